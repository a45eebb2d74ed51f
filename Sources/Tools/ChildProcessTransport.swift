import Foundation
import Logging
import MCP

/// The SDK's `StdioTransport` on a child's pipes, plus what a supervised child needs and it lacks:
/// - the end of the child's output ends the message stream with an error (the SDK client's read
///   loop spins on a stream that merely finishes) and ends the session's lifeline;
/// - a write that fails (the child is gone) waits briefly for the exit status, so the error the
///   call sees already says the server died;
/// - disconnecting stops and reaps the child;
/// - the pipe descriptors are closed only once no read or write can still use them (a closed
///   descriptor number can be reused by an unrelated file).
actor ChildProcessTransport: Transport {
    nonisolated let logger: Logger
    let child: ChildProcess
    private let inner: StdioTransport
    private let lifeline: SessionLifeline
    private let grace: Duration
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var sendsInFlight = 0
    private var disconnected = false
    private var childStopped = false

    init(child: ChildProcess, lifeline: SessionLifeline, grace: Duration) {
        self.child = child
        self.lifeline = lifeline
        self.grace = grace
        logger = Logger(label: "augserve.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
        // The SDK transport reads the child's output and writes its input; it never closes them.
        inner = StdioTransport(
            input: .init(rawValue: child.output.fileDescriptor), output: .init(rawValue: child.input.fileDescriptor), logger: logger)
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        // After a disconnect the descriptors may be closed, or reused by another file.
        guard !disconnected else { throw MCPError.connectionClosed }
        try await inner.connect()
        let inner = inner, continuation = continuation, child = child, lifeline = lifeline
        Task {
            do {
                for try await message in await inner.receive() { continuation.yield(message) }
            } catch {}
            // The output ended: the child exited (its status makes the better message) or closed it.
            let exit = await child.exit(within: .milliseconds(500))
            lifeline.end(exit.map(\.description) ?? "closed its standard output")
            continuation.finish(throwing: MCPError.connectionClosed)
        }
    }

    func send(_ data: Data) async throws {
        guard !disconnected, lifeline.endReason == nil else { throw MCPError.connectionClosed }
        sendsInFlight += 1
        defer {
            sendsInFlight -= 1
            releaseIfIdle()
        }
        do {
            try await inner.send(data)
        } catch {
            let exit = await child.exit(within: .milliseconds(500))
            lifeline.end(exit.map(\.description) ?? "stopped reading its input (\(error.localizedDescription))")
            throw error
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    func disconnect() async {
        guard !disconnected else { return }
        disconnected = true
        lifeline.end("was disconnected")
        // Once this returns the SDK transport reads no more: its read loop checks the flag it clears.
        await inner.disconnect()
        continuation.finish(throwing: MCPError.connectionClosed)
        // A write still in flight uses the input descriptor: then the signals stop the child, and
        // the write fails with EPIPE before the descriptors are released.
        _ = await child.stop(grace: grace, closingInput: sendsInFlight == 0)
        childStopped = true
        releaseIfIdle()
    }

    private func releaseIfIdle() {
        if childStopped, sendsInFlight == 0 { child.releaseDescriptors() }
    }
}
