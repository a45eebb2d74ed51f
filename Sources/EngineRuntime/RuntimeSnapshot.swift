import ServingCore

/// The engine as of its last step, published for `/metrics`, `/health` and admission control;
/// readers never wait for a step.
public struct RuntimeSnapshot: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        /// Loading the model or measuring the cost model: not serving yet.
        case starting
        case ready
        /// Shutting down: finishing in-flight requests, refusing new ones.
        case draining
        case stopped
    }

    public var phase: Phase = .starting
    public var engine: EngineSnapshot?
    /// Requests in the engine (any state) and those submitted but not yet taken in.
    public var liveRequestCount = 0
    public var cost: IterationCostModel?
    public var stepCount = 0
    public var failedStepCount = 0
    /// Wall time of the last step.
    public var lastStepDuration: Duration = .zero
    /// Outliers the last cost refit dropped, and steps it has seen.
    public var costFitObservedCount = 0
    /// Mean absolute relative error of the cost model's prediction of recent steps.
    public var costPredictionError = 0.0
    public var predictorAccuracy: PredictorAccuracy?
    /// With `checksInvariants`: violations seen so far, and the first one.
    public var invariantViolationCount = 0
    public var firstInvariantViolation: String?

    public init() {}
}
