/// An external call that interrupts generation at a scripted point (trace replay).
public struct ScriptedCall: Sendable, Equatable, Hashable {
    /// Tool name or interception kind (`calculator`, `human_followup`, ...); predictors key on it.
    public var name: String
    /// How long the call takes (the simulator's timer; an oracle predictor may read it).
    public var duration: Duration
    /// Tokens the call appends to the context.
    public var returnedTokenCount: Int

    public init(name: String, duration: Duration, returnedTokenCount: Int) {
        self.name = name
        self.duration = duration
        self.returnedTokenCount = returnedTokenCount
    }
}

/// Decode `decodeTokenCount` tokens, then (optionally) be intercepted by `call`.
public struct ScriptedSegment: Sendable, Equatable, Hashable {
    public var decodeTokenCount: Int
    public var call: ScriptedCall?

    public init(decodeTokenCount: Int, call: ScriptedCall? = nil) {
        self.decodeTokenCount = decodeTokenCount
        self.call = call
    }
}

/// Everything the core needs to accept a request.
public struct RequestSpec: Sendable, Equatable {
    public var promptTokens: [TokenID]
    public var sampling: SamplingParameters
    /// Output budget: generated plus returned tokens (InferCept's harness counts both).
    public var maxOutputTokenCount: Int
    /// Trace replay: where calls happen. Empty for free generation (calls, if any, are reported
    /// by the driver through `EngineCore.intercept`).
    public var segments: [ScriptedSegment]
    /// The request's class (e.g. the workload type); predictors keep statistics per class.
    public var requestClass: String

    public init(
        promptTokens: [TokenID], sampling: SamplingParameters = .greedy, maxOutputTokenCount: Int,
        segments: [ScriptedSegment] = [], requestClass: String = "default"
    ) {
        self.promptTokens = promptTokens
        self.sampling = sampling
        self.maxOutputTokenCount = maxOutputTokenCount
        self.segments = segments
        self.requestClass = requestClass
    }
}

/// Why a request left the engine.
public enum FinishReason: String, Sendable, Equatable, Codable {
    /// Reached `maxOutputTokenCount`.
    case length
    /// Reached the model's context limit.
    case contextLimit = "context_limit"
    /// Sampled a stop token.
    case stop
    /// Aborted by the client or the driver (e.g. a disconnect or a failed tool).
    case aborted
}

/// How a paused request's KV context is held during its call (SPEC §3).
public enum ContextMode: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case preserve, discard, swap
}
