import Foundation
import MCP

/// One configured MCP server over its lifetime: the current session, and what happens when it
/// fails. A session that ends (the child crashed, the HTTP server stopped answering) makes calls
/// fail with `ToolError.unavailable` naming the server; the next call after a backoff — the
/// configured delay, doubled after each further failure up to a minute, reset once the server
/// answers a call — opens a new session (relaunches the child). Nothing reconnects in the
/// background, so a dead server costs nothing until a tool of it is called.
public actor MCPConnection {
    public nonisolated let spec: MCPServerSpec
    public nonisolated var name: String { spec.name }

    private var session: MCPSession?
    private var opening: Task<Result<MCPSession, ToolError>, Never>?
    /// Sessions being closed after they ended; `shutdown()` waits for them.
    private var closing: [Int: Task<Void, Never>] = [:]
    private var generation = 0
    private var lastFailure: String?
    private var consecutiveFailures = 0
    private var retryAt = ContinuousClock.now
    private var isShutDown = false

    public init(spec: MCPServerSpec) { self.spec = spec }

    /// The process id of the running stdio server, if one runs (for diagnostics and tests).
    public var processID: Int32? { session?.processID }

    /// Opens the first session and lists the server's tools, within the timeout; on failure
    /// nothing is left running. The message completes "MCP server 'files' …".
    func start() async throws(MCPSessionFailure) -> [MCP.Tool] {
        generation += 1
        let opened = try await MCPSession.open(spec, generation: generation, onEnd: endObserver(generation))
        do {
            let tools = try await opened.listTools(timeout: spec.timeout)
            session = opened
            return tools
        } catch {
            await opened.close()
            throw error
        }
    }

    /// Calls `tool` on the server. Results with `isError` are the caller's to interpret.
    func call(_ tool: String, arguments: [String: Value]) async throws(ToolError) -> CallTool.Result {
        let current = try await liveSession()
        switch await current.call(tool, arguments: arguments, timeout: spec.timeout) {
        case .value(let result):
            consecutiveFailures = 0
            return result
        case .timedOut:
            throw .timedOut(spec.timeout)
        case .cancelled:
            throw .failed("the call to '\(tool)' was cancelled")
        case .failure(let error):
            if let reason = current.lifeline.endReason {
                sessionEnded(current.generation, reason)
                throw .unavailable("MCP server '\(name)' \(reason) during the call to '\(tool)'")
            }
            throw .failed("MCP server '\(name)' refused the call to '\(tool)': \(MCPSession.describe(error))")
        }
    }

    /// Stops the server for good: a child is stopped and reaped before this returns, and later
    /// calls fail as unavailable.
    public func shutdown() async {
        isShutDown = true
        if let opening { _ = await opening.value }
        let current = session
        session = nil
        await current?.close()
        let pending = closing.values
        closing = [:]
        for task in pending { await task.value }
    }

    /// The session to call, opening one if the backoff allows.
    private func liveSession() async throws(ToolError) -> MCPSession {
        if isShutDown { throw .unavailable("MCP server '\(name)' is shut down") }
        if let session {
            guard let reason = session.lifeline.endReason else { return session }
            sessionEnded(session.generation, reason)
        }
        let task: Task<Result<MCPSession, ToolError>, Never>
        if let opening {
            task = opening
        } else {
            let now = ContinuousClock.now
            guard now >= retryAt else {
                throw .unavailable(
                    "MCP server '\(name)' \(lastFailure ?? "is unavailable"); reconnecting in \((retryAt - now).shortDescription) at the earliest")
            }
            generation += 1
            let attempt = generation
            let spec = spec
            let observer = endObserver(attempt)
            // Actor-isolated: the outcome is installed before anyone awaiting the task resumes.
            task = Task {
                do throws(MCPSessionFailure) {
                    return self.install(try await MCPSession.open(spec, generation: attempt, onEnd: observer))
                } catch {
                    return .failure(self.recordFailure(error.description))
                }
            }
            opening = task
        }
        let result = await task.value
        if opening == task { opening = nil }
        if isShutDown { throw .unavailable("MCP server '\(name)' is shut down") }
        return try result.get()
    }

    private func install(_ opened: MCPSession) -> Result<MCPSession, ToolError> {
        // Installed even when shutting down, so that `shutdown()` (waiting on the opening) closes it.
        session = opened
        lastFailure = nil
        return .success(opened)
    }

    /// Counts a failure, schedules the earliest retry, and says so.
    private func recordFailure(_ reason: String) -> ToolError {
        consecutiveFailures += 1
        lastFailure = reason
        let exponent = min(consecutiveFailures - 1, 16)
        retryAt = ContinuousClock.now + min(spec.reconnectDelay * (1 << exponent), MCPServerSpec.maxReconnectDelay)
        return .unavailable("MCP server '\(name)' \(reason)")
    }

    /// The session of `generation` ended: forget it and schedule the reconnection. It closes
    /// itself (pending calls fail, the child is reaped); `shutdown()` waits for that.
    private func sessionEnded(_ generation: Int, _ reason: String) {
        guard let current = session, current.generation == generation else { return }
        session = nil
        _ = recordFailure(reason)
        closing[generation] = Task {
            await current.close()
            self.closing[generation] = nil
        }
    }

    private nonisolated func endObserver(_ generation: Int) -> @Sendable (String) -> Void {
        { [weak self] reason in
            guard let self else { return }
            Task { await self.sessionEnded(generation, reason) }
        }
    }
}
