import ServingCore

/// Identifies a request submitted to the runtime, from the moment `submit` returns (the core's
/// `RequestID` is assigned later, on the engine thread).
/// How a request may continue a session held in the engine.
public struct SessionHint: Sendable, Equatable {
    /// A client-chosen name (`prompt_cache_key`, `user`, `x-session-id`); nil: match by token prefix.
    public var key: String?
    /// The turn's sampling, limits and prompt come from the request's spec.
    public init(key: String?) { self.key = key }
}

public struct Ticket: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "t\(rawValue)" }
}

/// What happens to a request, in order, on its stream.
public enum RequestEvent: Sendable, Equatable {
    /// One sampled token and the text it completed (may be empty: half a character, held-back
    /// stop-string prefix, a special token).
    case token(TokenID, text: String)
    /// A note from the request's processor (e.g. a parsed tool call), just before the token's text.
    case annotation(String)
    /// Paused for a call; `mode` is how the policy holds its context.
    case paused(call: String, mode: ContextMode)
    /// The call returned and `tokenCount` tokens were appended to the context.
    case resumed(tokenCount: Int)
    /// The request ended; `text` is what the processor still held back.
    case finished(RequestSummary, text: String)
    /// The response ended but the request stays in the engine as a session (a client-side tool
    /// round trip) until a follow-up resumes it or its time to live passes.
    case suspended(RequestSummary, text: String)
    /// The request failed (refused at submit, executor fault, engine stopping).
    case failed(RuntimeError)
}

/// The life of a finished request, as the runtime reports it.
public struct RequestSummary: Sendable, Equatable {
    public var finishReason: FinishReason
    public var promptTokenCount: Int
    public var generatedTokenCount: Int
    public var cachedPromptTokenCount: Int
    public var returnedTokenCount: Int
    public var callCount: Int
    public var preemptionCount: Int
    /// KV blocks copied to or from host memory for it.
    public var swappedBlockCount = 0
    /// Since the request was submitted.
    public var timeToFirstToken: Duration?
    public var endToEnd: Duration
    public var queueing: Duration
    public var callTime: Duration

    public init(
        finishReason: FinishReason, promptTokenCount: Int, generatedTokenCount: Int, cachedPromptTokenCount: Int,
        returnedTokenCount: Int, callCount: Int, preemptionCount: Int, timeToFirstToken: Duration?,
        endToEnd: Duration, queueing: Duration, callTime: Duration
    ) {
        self.finishReason = finishReason
        self.promptTokenCount = promptTokenCount
        self.generatedTokenCount = generatedTokenCount
        self.cachedPromptTokenCount = cachedPromptTokenCount
        self.returnedTokenCount = returnedTokenCount
        self.callCount = callCount
        self.preemptionCount = preemptionCount
        self.timeToFirstToken = timeToFirstToken
        self.endToEnd = endToEnd
        self.queueing = queueing
        self.callTime = callTime
    }
}

/// Why the runtime could not serve a request.
public enum RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The core refused the request (too long, bad token ids, …).
    case rejected(EngineError)
    /// The queue of waiting requests is full; retry later.
    case queueFull(String)
    /// The engine is draining or stopped.
    case unavailable(String)
    /// The executor failed while running the request.
    case executorFailed(String)
    /// The consumer stopped reading its stream past the buffer limit.
    case slowConsumer
    /// A call result could not be appended.
    case callFailed(String)

    public var description: String {
        switch self {
        case .rejected(let error): error.description
        case .queueFull(let detail): "the server is busy: \(detail); retry later"
        case .unavailable(let detail): "the engine is not serving: \(detail)"
        case .executorFailed(let detail): "the model failed while running this request: \(detail)"
        case .slowConsumer: "the client stopped reading its stream"
        case .callFailed(let detail): "the call result could not be used: \(detail)"
        }
    }
}
