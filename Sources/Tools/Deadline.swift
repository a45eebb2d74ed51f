import Synchronization

/// What `withDeadline` saw first.
enum DeadlineOutcome<Value: Sendable>: Sendable {
    case value(Value)
    case failure(any Error)
    case timedOut
    /// The caller's own task was cancelled.
    case cancelled
}

/// Runs `operation` in its own task and returns as soon as it finishes, `limit` passes, or the
/// calling task is cancelled — whichever comes first.
///
/// Unlike a task group, this never waits for the loser: the MCP SDK's requests wait on
/// continuations that ignore task cancellation, so a group would hang exactly when a server does
/// not answer. The operation task is cancelled and left to finish in the background; callers
/// release whatever it waits on (cancel the request, kill the process) so it does end.
func withDeadline<Value: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async -> DeadlineOutcome<Value> {
    let gate = FirstOutcomeGate<DeadlineOutcome<Value>>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            gate.attach(continuation)
            gate.track(Task {
                do { gate.resolve(.value(try await operation())) } catch { gate.resolve(.failure(error)) }
            })
            gate.track(Task {
                // A cancelled sleep means the gate is already resolved: resolving again is ignored.
                try? await Task.sleep(for: limit)
                gate.resolve(.timedOut)
            })
        }
    } onCancel: {
        gate.resolve(.cancelled)
    }
}

/// Resumes one continuation with the first outcome it is given and cancels the racing tasks.
/// Outcomes may arrive before the continuation is attached (a cancellation that happened first).
final class FirstOutcomeGate<Outcome: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Outcome, Never>?
        var outcome: Outcome?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func attach(_ continuation: CheckedContinuation<Outcome, Never>) {
        let early = state.withLock { state -> Outcome? in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func track(_ task: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            if state.outcome != nil { return true }
            state.tasks.append(task)
            return false
        }
        if finished { task.cancel() }
    }

    func resolve(_ outcome: Outcome) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Outcome, Never>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer { state.continuation = nil; state.tasks = [] }
            return (state.continuation, state.tasks)
        }
        continuation?.resume(returning: outcome)
        for task in tasks { task.cancel() }
    }
}
