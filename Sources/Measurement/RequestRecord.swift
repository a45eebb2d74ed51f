/// One request's life as measured: arrival, first token, finish, and what it cost.
public struct RequestRecord: Sendable, Equatable, Codable {
    public var requestID: UInt64
    public var type: String
    public var arrival: Duration
    public var firstTokenAt: Duration?
    /// Nil if the request did not finish (aborted, or still running when the run ended).
    public var finishedAt: Duration?
    public var promptTokenCount: Int
    public var generatedTokenCount: Int
    public var returnedTokenCount: Int
    public var callCount: Int
    public var totalCallDuration: Duration
    /// Total time spent waiting for admission or swap-in, over every episode.
    public var queueingDelay: Duration
    public var preemptionCount: Int
    public var recomputedTokenCount: Int
    public var swappedBytes: Int64

    public init(
        requestID: UInt64, type: String, arrival: Duration, firstTokenAt: Duration?, finishedAt: Duration?,
        promptTokenCount: Int, generatedTokenCount: Int, returnedTokenCount: Int, callCount: Int,
        totalCallDuration: Duration, queueingDelay: Duration, preemptionCount: Int, recomputedTokenCount: Int,
        swappedBytes: Int64
    ) {
        self.requestID = requestID
        self.type = type
        self.arrival = arrival
        self.firstTokenAt = firstTokenAt
        self.finishedAt = finishedAt
        self.promptTokenCount = promptTokenCount
        self.generatedTokenCount = generatedTokenCount
        self.returnedTokenCount = returnedTokenCount
        self.callCount = callCount
        self.totalCallDuration = totalCallDuration
        self.queueingDelay = queueingDelay
        self.preemptionCount = preemptionCount
        self.recomputedTokenCount = recomputedTokenCount
        self.swappedBytes = swappedBytes
    }

    /// Time to first token: first generated token − arrival (includes queueing).
    public var ttft: Duration? { firstTokenAt.map { $0 - arrival } }
    public var endToEndLatency: Duration? { finishedAt.map { $0 - arrival } }
    /// Generated plus returned tokens, as InferCept's harness counts output.
    public var outputTokenCount: Int { generatedTokenCount + returnedTokenCount }
    /// (finish − arrival − Σ call durations) / output tokens; nil if unfinished or without output.
    public var normalizedLatency: Duration? {
        guard let e2e = endToEndLatency, outputTokenCount > 0 else { return nil }
        return (e2e - totalCallDuration) / outputTokenCount
    }
    public var isFinished: Bool { finishedAt != nil }
}
