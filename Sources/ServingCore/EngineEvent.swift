/// What happened during `EngineCore.apply`, for the driver to act on (emulate a call, stream a
/// token, close a request).
public enum EngineEvent: Sendable, Equatable {
    /// The request produced its first token.
    case firstToken(RequestID)
    /// A sampled token (only when `EngineConfiguration.emitsTokenEvents`).
    case token(RequestID, TokenID)
    /// The request reached a scripted call (trace replay) and paused; the driver plays the call
    /// from the script it gave and reports `callReturned`. Live calls are the driver's own
    /// decision (`EngineCore.intercept`) and produce no event.
    case intercepted(RequestID, ScriptedCall, ContextMode)
    /// The request left the engine.
    case finished(RequestOutcome)
}

/// The life of a finished request, as the core saw it (times are the driver's clock).
public struct RequestOutcome: Sendable, Equatable {
    public var id: RequestID
    public var requestClass: String
    public var finishReason: FinishReason
    public var arrival: Duration
    public var firstTokenAt: Duration?
    public var finishedAt: Duration
    public var promptTokenCount: Int
    public var generatedTokenCount: Int
    public var returnedTokenCount: Int
    /// Prompt tokens served from the prefix cache at the first admission.
    public var cachedPromptTokenCount: Int
    public var callCount: Int
    public var totalCallDuration: Duration
    /// Time spent waiting for admission or swap-in (all episodes).
    public var queueingDelay: Duration
    public var preemptionCount: Int
    public var recomputedTokenCount: Int
    /// Blocks copied to or from host memory.
    public var swappedBlockCount: Int
}

/// Counts describing the core at one moment (metrics, progress output, tests).
public struct EngineSnapshot: Sendable, Equatable {
    public var waitingCount: Int
    public var runningCount: Int
    public var pausedCount: Int
    /// Paused requests by how they hold their context (preserve, discard, swap).
    public var pausedPreserveCount = 0
    public var pausedDiscardCount = 0
    public var pausedSwapCount = 0
    public var swappedCount: Int
    public var deviceBlocksUsed: Int
    public var deviceBlocksTotal: Int
    public var hostBlocksUsed: Int
    public var hostBlocksTotal: Int
    /// Tokens held by paused requests in Preserve mode (reclaimable memory).
    public var preservedTokenCount: Int
    /// The token budget of the last round.
    public var tokenBudget: Int
    /// The swap-in and swap-out budgets (tokens) of the last round.
    public var swapInBudget: Int
    public var swapOutBudget: Int
    public var preemptionCount: Int

    /// Fraction of device KV blocks in use.
    public var kvUtilization: Double {
        deviceBlocksTotal == 0 ? 0 : Double(deviceBlocksUsed) / Double(deviceBlocksTotal)
    }
}

/// Errors the core reports to its driver.
public enum EngineError: Error, Equatable, CustomStringConvertible, Sendable {
    case emptyPrompt
    case promptTooLong(tokenCount: Int, maxContextLength: Int)
    case invalidMaxOutput(Int)
    case invalidSegment(index: Int, reason: String)
    case invalidToken(TokenID, vocabularySize: Int)
    case unknownRequest(RequestID)
    case notPaused(RequestID, RequestState)
    /// A live interception of a request that cannot pause now (finished, paused, or in the step
    /// that is running).
    case cannotIntercept(RequestID, String)
    case outputMismatch(String)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt is empty"
        case .promptTooLong(let count, let limit):
            "this model's maximum context length is \(limit) tokens; the prompt has \(count) tokens"
        case .invalidMaxOutput(let value): "max output tokens must be > 0, got \(value)"
        case .invalidSegment(let index, let reason): "segment \(index): \(reason)"
        case .invalidToken(let token, let size): "token id \(token) is outside the vocabulary of \(size) tokens"
        case .unknownRequest(let id): "unknown request \(id)"
        case .cannotIntercept(let id, let reason): "request \(id) cannot be intercepted: \(reason)"
        case .notPaused(let id, let state): "request \(id) is \(state), not paused in a call"
        case .outputMismatch(let detail): "executor output does not match the plan: \(detail)"
        }
    }
}
