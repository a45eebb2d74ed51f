import ServingCore

/// What the engine does after a token, as decided by a request's `OutputProcessor`.
public enum OutputAction: Sendable, Equatable {
    /// Keep generating.
    case proceed
    /// End the request now (a stop string, a tool-call end marker): it finishes as `reason`.
    case finish(FinishReason)
    /// Pause the request at a call the model made (a live interception).
    case intercept(CallDescriptor)
}

/// Turns a request's sampled tokens into text and decides, token by token, whether it goes on.
/// Text lives at the edges (DESIGN.md §1): the server supplies one per request (detokenizer, stop
/// strings, tool-call parser); the engine thread calls it synchronously right after each step, so
/// a stop or an interception takes effect at exactly that token — nothing more is generated.
/// Used only on the engine thread.
public protocol OutputProcessor: AnyObject {
    /// The text `token` completes, and what to do next.
    func process(_ token: TokenID) -> (text: String, action: OutputAction)
    /// Text still held back when the request ends (an unfinished stop-string prefix, half a character).
    func finish(reason: FinishReason) -> String
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
    func process(_ token: TokenID) -> (text: String, action: OutputAction) { ("", .proceed) }
    func finish(reason: FinishReason) -> String { "" }
}
