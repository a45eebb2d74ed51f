/// One request's life as measured: arrival, first token, finish, and what it cost. All times
/// are measured from the same origin (the start of the run).
public struct RequestRecord: Sendable, Equatable, Codable {
    /// The engine's id of the request.
    public var requestID: UInt64
    /// The request's class (the workload type, e.g. `math`), for per-type breakdowns.
    public var type: String
    /// When the request arrived.
    public var arrival: Duration
    /// When its first generated token was produced; nil if it never produced one.
    public var firstTokenAt: Duration?
    /// When it finished; nil if it did not (aborted, or still running when the run ended).
    public var finishedAt: Duration?
    /// Tokens of the prompt.
    public var promptTokenCount: Int
    /// Tokens the model generated.
    public var generatedTokenCount: Int
    /// Tokens the calls returned (appended to the context; they count as output).
    public var returnedTokenCount: Int
    /// Interceptions the request went through.
    public var callCount: Int
    /// Σ call durations (excluded from the normalized latency).
    public var totalCallDuration: Duration
    /// Total time spent waiting for admission: the first admission and every re-admission
    /// (after a discard, a preemption or a swap-out).
    public var queueingDelay: Duration
    /// Times the request was preempted.
    public var preemptionCount: Int
    /// Tokens whose KV cache was computed again after being dropped.
    public var recomputedTokenCount: Int
    /// Bytes of KV cache moved between device and host (out and in).
    public var swappedBytes: Int64

    /// A record with every field given.
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
    /// Finish − arrival; nil if unfinished.
    public var endToEndLatency: Duration? { finishedAt.map { $0 - arrival } }
    /// Generated plus returned tokens, as InferCept's harness counts output.
    public var outputTokenCount: Int { generatedTokenCount + returnedTokenCount }
    /// (finish − arrival − Σ call durations) / output tokens; nil if unfinished or without output.
    public var normalizedLatency: Duration? {
        guard let e2e = endToEndLatency, outputTokenCount > 0 else { return nil }
        return (e2e - totalCallDuration) / outputTokenCount
    }
    /// Whether the request finished.
    public var isFinished: Bool { finishedAt != nil }
}
