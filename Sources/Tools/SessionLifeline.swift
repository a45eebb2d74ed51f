import Synchronization

/// The end of one MCP session, recorded once with why it ended ("exited with status 3"). Readable
/// at once from any thread, so a failing call can tell "the server went away" (the tool is
/// unavailable) from "the server refused" (the call failed) without waiting for anyone to react.
final class SessionLifeline: Sendable {
    private struct State {
        var reason: String?
        var observer: (@Sendable (String) -> Void)?
    }

    private let state = Mutex(State())

    init() {}

    /// Why the session ended, or nil while it is alive.
    var endReason: String? { state.withLock { $0.reason } }

    /// `observer` hears the end once: later, or at once if it already happened. It is dropped
    /// after that, which breaks the cycle when it refers to the session owning this lifeline.
    func observe(_ observer: @escaping @Sendable (String) -> Void) {
        let ended = state.withLock { state -> String? in
            if let reason = state.reason { return reason }
            state.observer = observer
            return nil
        }
        if let ended { observer(ended) }
    }

    /// Ends the session; later reasons are ignored (the first cause is the interesting one).
    func end(_ why: String) {
        let observer = state.withLock { state -> (@Sendable (String) -> Void)? in
            guard state.reason == nil else { return nil }
            state.reason = why
            defer { state.observer = nil }
            return state.observer
        }
        observer?(why)
    }
}
