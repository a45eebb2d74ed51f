/// What a call *is*: the part of an interception a scheduler may know (SPEC §10: schedulers see
/// a call's name and the request's class, never its duration or result). Predictors key on `name`.
public struct CallDescriptor: Sendable, Equatable, Hashable {
    /// Tool name or interception kind (`calculator`, `human_followup`, ...).
    public var name: String

    public init(name: String) { self.name = name }
}

/// A call that interrupts generation at a scripted point (trace replay), with the trace's
/// *truth* — its duration and returned length — which only the trace driver and the oracle
/// predictor may read. Policies see `descriptor`.
public struct ScriptedCall: Sendable, Equatable, Hashable {
    /// Tool name or interception kind (`calculator`, `human_followup`, ...); predictors key on it.
    public var name: String
    /// How long the call takes (the driver's timer; an oracle predictor may read it).
    public var duration: Duration
    /// Tokens the call appends to the context.
    public var returnedTokenCount: Int

    public init(name: String, duration: Duration, returnedTokenCount: Int) {
        self.name = name
        self.duration = duration
        self.returnedTokenCount = returnedTokenCount
    }

    /// What the scheduler may know of this call.
    public var descriptor: CallDescriptor { CallDescriptor(name: name) }
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

/// How a request's output is counted against `maxOutputTokenCount`.
public enum OutputAccounting: String, Sendable, Equatable, Hashable, Codable {
    /// OpenAI's: only generated tokens count; tokens returned by a tool are context.
    case generatedOnly = "generated"
    /// InferCept's harness (trace replay): generated plus returned tokens count, as the paper's
    /// normalized-latency metric needs.
    case generatedAndReturned = "generated+returned"
}

/// Per-request service objectives (the `x-slo-ttft-ms` / `x-slo-tpot-ms` headers). Nil fields
/// fall back to the policy's defaults.
public struct RequestObjectives: Sendable, Equatable, Hashable {
    public var timeToFirstToken: Duration?
    /// Per output token (normalized latency).
    public var timePerOutputToken: Duration?

    public init(timeToFirstToken: Duration? = nil, timePerOutputToken: Duration? = nil) {
        self.timeToFirstToken = timeToFirstToken
        self.timePerOutputToken = timePerOutputToken
    }
}

/// Everything the core needs to accept a request.
public struct RequestSpec: Sendable, Equatable {
    public var promptTokens: [TokenID]
    public var sampling: SamplingParameters
    /// Output budget, counted per `outputAccounting`.
    public var maxOutputTokenCount: Int
    /// Whether returned tokens count as output (trace replay) or only generated ones (OpenAI).
    public var outputAccounting: OutputAccounting
    /// Generated tokens before a stop token may end the request (OpenAI's `min_tokens`).
    public var minOutputTokenCount: Int
    /// Trace replay: where calls happen. Empty for free generation (calls, if any, are reported
    /// by the driver through `EngineCore.intercept`).
    public var segments: [ScriptedSegment]
    /// The request's class (e.g. the workload type); predictors keep statistics per class.
    public var requestClass: String
    /// Lower is served earlier (vLLM's polarity); 0 by default. Orders before every policy key.
    public var priority: Int
    public var objectives: RequestObjectives

    public init(
        promptTokens: [TokenID], sampling: SamplingParameters = .greedy, maxOutputTokenCount: Int,
        outputAccounting: OutputAccounting = .generatedOnly, minOutputTokenCount: Int = 0,
        segments: [ScriptedSegment] = [], requestClass: String = "default", priority: Int = 0,
        objectives: RequestObjectives = RequestObjectives()
    ) {
        self.promptTokens = promptTokens
        self.sampling = sampling
        self.maxOutputTokenCount = maxOutputTokenCount
        self.outputAccounting = outputAccounting
        self.minOutputTokenCount = minOutputTokenCount
        self.segments = segments
        self.requestClass = requestClass
        self.priority = priority
        self.objectives = objectives
    }
}

/// Why a request left the engine.
public enum FinishReason: String, Sendable, Equatable, Codable, CaseIterable {
    /// Reached `maxOutputTokenCount`.
    case length
    /// Reached the model's context limit.
    case contextLimit = "context_limit"
    /// Sampled a stop token, or the driver found a stop condition in the text (`finish(_:reason:now:)`).
    case stop
    /// Aborted by the client or the driver (e.g. a disconnect or a failed tool).
    case aborted
    /// The executor failed while running the request's step (`failInFlight`).
    case error
}

/// How a paused request's KV context is held during its call (SPEC §3).
public enum ContextMode: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case preserve, discard, swap
}
