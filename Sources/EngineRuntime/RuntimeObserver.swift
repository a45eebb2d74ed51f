import ServingCore

/// Receives what the engine measures, on the engine thread (metrics exporters). Implementations
/// must be cheap and must not block: they run between steps.
public protocol RuntimeObserver: Sendable {
    /// One executed step.
    func stepCompleted(_ report: StepReport)
    /// A request produced a token `interval` after its previous one (inter-token latency).
    func tokenDelivered(interval: Duration)
    /// A request paused for a call in `mode`.
    func contextModeChosen(_ mode: ContextMode)
    /// A request left the engine.
    func requestFinished(_ summary: RequestSummary)
}

/// What one step did and cost.
public struct StepReport: Sendable, Equatable {
    public var shape: StepShape
    public var duration: Duration
    /// Tokens forwarded to fill KV (prefill and recompute) and tokens sampled (decode).
    public var prefillTokenCount: Int
    public var sampledTokenCount: Int
    public var failed: Bool
}

/// Observes nothing.
public struct NoRuntimeObserver: RuntimeObserver {
    public init() {}
    public func stepCompleted(_ report: StepReport) {}
    public func tokenDelivered(interval: Duration) {}
    public func contextModeChosen(_ mode: ContextMode) {}
    public func requestFinished(_ summary: RequestSummary) {}
}
