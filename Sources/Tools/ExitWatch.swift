import Synchronization

/// The exit of a child, once known, and who waits for it.
final class ExitWatch: Sendable {
    private struct State {
        var exit: ChildExit?
        var waiters: [CheckedContinuation<ChildExit, Never>] = []
    }

    private let state = Mutex(State())
    private let observer: @Sendable (ChildExit) -> Void

    init(observer: @escaping @Sendable (ChildExit) -> Void) { self.observer = observer }

    var exit: ChildExit? { state.withLock { $0.exit } }

    func finish(_ exit: ChildExit) {
        let waiters = state.withLock { state -> [CheckedContinuation<ChildExit, Never>]? in
            guard state.exit == nil else { return nil }
            state.exit = exit
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiters else { return }
        for waiter in waiters { waiter.resume(returning: exit) }
        observer(exit)
    }

    func wait() async -> ChildExit {
        await withCheckedContinuation { continuation in
            let known = state.withLock { state -> ChildExit? in
                if let exit = state.exit { return exit }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}
