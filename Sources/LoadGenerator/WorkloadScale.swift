import Workloads

/// How a GPU-scale workload is shrunk to what this CPU serves: token counts (prompt, decode,
/// returned) and call durations multiplied by their factors. Stated in every report.
public struct WorkloadScale: Sendable, Equatable, Codable, CustomStringConvertible {
    public var tokens: Double
    public var callDuration: Double
    /// The context limit the scaled requests must fit (the server's `max_model_len`).
    public var contextLimit: Int

    public init(tokens: Double = 1, callDuration: Double = 1, contextLimit: Int = 2048) {
        self.tokens = tokens
        self.callDuration = callDuration
        self.contextLimit = contextLimit
    }

    public func validate() throws(BenchError) {
        guard tokens.isFinite, tokens > 0, tokens <= 10 else { throw .invalid("--token-scale \(tokens): must be in (0, 10]") }
        guard callDuration.isFinite, callDuration >= 0, callDuration <= 100 else {
            throw .invalid("--call-scale \(callDuration): must be in 0...100")
        }
        guard (16...1_000_000).contains(contextLimit) else { throw .invalid("context limit \(contextLimit): must be in 16...1000000") }
    }

    func count(_ value: Int) -> Int { value == 0 ? 0 : max(1, Int((Double(value) * tokens).rounded())) }

    /// The scaled request; a request whose context would pass the limit is cut at the limit
    /// (segments dropped from the end, the last decode shortened).
    public func apply(_ request: TraceRequest) -> TraceRequest {
        let prompt = min(count(request.promptTokenCount), contextLimit - 1)
        var room = contextLimit - prompt - 1
        var segments: [TraceSegment] = []
        for segment in request.segments where room > 0 {
            let decode = min(count(segment.decodeTokenCount), room)
            room -= decode
            var call = segment.call.map { TraceCall(kind: $0.kind, duration: $0.duration * callDuration, returnedTokenCount: count($0.returnedTokenCount)) }
            if let returned = call?.returnedTokenCount, returned >= room { call = nil }
            room -= call?.returnedTokenCount ?? 0
            segments.append(TraceSegment(decodeTokenCount: decode, call: call))
            if call == nil, segment.call != nil { break }
        }
        if segments.allSatisfy({ $0.decodeTokenCount == 0 }) { segments = [TraceSegment(decodeTokenCount: 1)] }
        return TraceRequest(key: request.key, type: request.type, promptTokenCount: prompt, segments: segments, contextLimit: contextLimit)
    }

    public func apply(_ workload: Workload) -> Workload {
        Workload(name: workload.name, requests: workload.requests.map(apply), contextLimit: contextLimit)
    }

    public var description: String {
        "token counts × \(Self.format(tokens)), call durations × \(Self.format(callDuration)), context ≤ \(contextLimit)"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}

/// A benchmark input or run that cannot go on, in one line.
public enum BenchError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case server(String)

    public var description: String {
        switch self {
        case .invalid(let detail): "invalid \(detail)"
        case .server(let detail): detail
        }
    }
}
