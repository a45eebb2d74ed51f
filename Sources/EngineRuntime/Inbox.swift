import Foundation
import ServingCore

/// A command for the engine thread.
enum Command {
    case submit(Submission)
    case abort(Ticket)
    case callReturned(Ticket, [TokenID])
    /// Abort every request (the drain timed out, or the engine stops).
    case abortAll(RuntimeError)
    /// End every suspended session (a draining server waits for no follow-up).
    case endSessions
    case stop
}

/// What `submit` hands to the engine thread.
struct Submission {
    let ticket: Ticket
    let spec: RequestSpec
    let processor: any OutputProcessorFactory
    let continuation: AsyncStream<RequestEvent>.Continuation
    let submittedAt: ContinuousClock.Instant
    /// The request may continue a session (its prompt extending that session's context).
    let session: SessionHint?
}

/// Commands from any thread to the engine thread, and the engine thread's sleep.
///
/// `@unchecked Sendable`: `commands` is only read or written while `condition` is locked.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var commands: [Command] = []

    func post(_ command: Command) {
        condition.lock()
        commands.append(command)
        condition.signal()
        condition.unlock()
    }

    /// Everything posted so far (empty if nothing), without waiting.
    func take() -> [Command] {
        condition.lock()
        defer { condition.unlock() }
        let taken = commands
        commands.removeAll(keepingCapacity: true)
        return taken
    }

    /// Sleeps until a command arrives or `timeout` passes (nil: no timeout), then takes them all.
    func wait(timeout: Duration?) -> [Command] {
        condition.lock()
        defer { condition.unlock() }
        if commands.isEmpty {
            if let timeout {
                let deadline = Date().addingTimeInterval(max(0, timeout.seconds))
                while commands.isEmpty, condition.wait(until: deadline) {}
            } else {
                while commands.isEmpty { condition.wait() }
            }
        }
        let taken = commands
        commands.removeAll(keepingCapacity: true)
        return taken
    }
}
