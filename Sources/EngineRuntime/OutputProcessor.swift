import ServingCore

/// What the engine does after a token, as decided by a request's `OutputProcessor`.
public enum OutputAction: Sendable, Equatable {
    /// Keep generating.
    case proceed
    /// End the request now (a stop string, a tool-call end marker): it finishes as `reason`.
    case finish(FinishReason)
    /// Pause the request at a call the model made (a live interception).
    case intercept(CallDescriptor)
    /// End this response but keep the request paused in the engine as a session — the client runs
    /// `call` and a follow-up request whose prompt extends this context resumes it.
    case suspend(CallDescriptor)
}

/// Turns a request's sampled tokens into text and decides, token by token, whether it goes on.
/// Text lives at the edges (DESIGN.md §1): the server supplies one per request (detokenizer, stop
/// strings, tool-call parser); the engine thread calls it synchronously right after each step, so
/// a stop or an interception takes effect at exactly that token — nothing more is generated.
/// Used only on the engine thread.
public protocol OutputProcessor: AnyObject {
    /// The text `token` completes, and what to do next.
    func process(_ token: TokenID) -> OutputStep
    /// Text still held back when the request ends (an unfinished stop-string prefix, half a character).
    func finish(reason: FinishReason) -> String
    /// The tokens the request may sample next, when its output is constrained (a grammar); nil for
    /// free generation. Asked before every step that samples for it.
    func allowedTokens() -> TokenBitmask?
}

extension OutputProcessor {
    public func allowedTokens() -> TokenBitmask? { nil }
}

/// What a processor makes of one token.
public struct OutputStep: Sendable, Equatable {
    /// Text to emit (may be empty).
    public var text: String
    public var action: OutputAction
    /// Opaque notes for the consumer, delivered before the text as `.annotation` events (the
    /// server's parsed tool calls).
    public var annotations: [String]

    public init(text: String, action: OutputAction = .proceed, annotations: [String] = []) {
        self.text = text
        self.action = action
        self.annotations = annotations
    }
}

/// Makes a request's processor on the engine thread (the processor itself is not `Sendable`).
public protocol OutputProcessorFactory: Sendable {
    func makeProcessor() -> any OutputProcessor
}

/// Emits no text and never intervenes (token ids only).
public struct TokenOnlyProcessorFactory: OutputProcessorFactory {
    public init() {}
    public func makeProcessor() -> any OutputProcessor { TokenOnlyProcessor() }
}

final class TokenOnlyProcessor: OutputProcessor {
    func process(_ token: TokenID) -> OutputStep { OutputStep(text: "") }
    func finish(reason: FinishReason) -> String { "" }
}
