/// A named set of requests and the model context limit they are replayed under.
public struct Workload: Sendable, Equatable {
    /// A short name for reports (`infercept`, the file's base name, `synthetic`).
    public var name: String
    /// The requests; sampling draws from them by index, so their order is part of the workload.
    public var requests: [TraceRequest]
    /// The model context limit in tokens (2048 for InferCept's GPT-J and Vicuna runs).
    public var contextLimit: Int

    /// A workload of `requests` replayed under `contextLimit`.
    public init(name: String, requests: [TraceRequest], contextLimit: Int = 2048) {
        self.name = name
        self.requests = requests
        self.contextLimit = contextLimit
    }

    /// Requests per type, in order of first appearance.
    public var typeCounts: [(type: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for request in requests {
            if counts[request.type] == nil { order.append(request.type) }
            counts[request.type, default: 0] += 1
        }
        return order.map { ($0, counts[$0] ?? 0) }
    }
}
