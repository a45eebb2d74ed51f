import Foundation
import MCP
import Synchronization

/// Why an MCP session could not be opened or used: a phrase completing "MCP server 'files' …".
struct MCPSessionFailure: Error, CustomStringConvertible {
    let description: String
}

/// One connected SDK client (and, for stdio, its child process), from the handshake until it
/// ends. When its lifeline ends (the child exited, a POST failed) the session closes itself, which
/// fails whatever waits on the server — the SDK client fails pending requests only on disconnect.
/// A session is never revived: `MCPConnection` replaces it.
final class MCPSession: Sendable {
    let client: Client
    let lifeline: SessionLifeline
    let generation: Int
    /// The server process, for a stdio server.
    let processID: Int32?
    private let transport: any Transport
    private let closing = Mutex<Task<Void, Never>?>(nil)

    private init(client: Client, lifeline: SessionLifeline, generation: Int, processID: Int32?, transport: any Transport) {
        self.client = client
        self.lifeline = lifeline
        self.generation = generation
        self.processID = processID
        self.transport = transport
    }

    /// Launches or reaches the server and completes the MCP handshake within `spec.timeout`.
    /// `onEnd` hears once why the session ended, whenever it does.
    static func open(
        _ spec: MCPServerSpec, generation: Int, onEnd: @escaping @Sendable (String) -> Void
    ) async throws(MCPSessionFailure) -> MCPSession {
        let lifeline = SessionLifeline()
        let transport: any Transport
        var processID: Int32?
        switch spec.endpoint {
        case .command(let command):
            let child: ChildProcess
            do {
                child = try ChildProcess.launch(command) { lifeline.end($0.description) }
            } catch {
                throw MCPSessionFailure(description: "could not be started: \(error)")
            }
            processID = child.pid
            transport = ChildProcessTransport(child: child, lifeline: lifeline, grace: spec.stopGrace)
        case .url(let url):
            transport = HTTPSessionTransport(url: url, timeout: spec.timeout, lifeline: lifeline)
        }
        let client = Client(name: "augserve", version: "1.0")
        let session = MCPSession(client: client, lifeline: lifeline, generation: generation, processID: processID, transport: transport)
        lifeline.observe { reason in
            Task { await session.close() }
            onEnd(reason)
        }
        let outcome = await withDeadline(spec.timeout) { try await client.connect(transport: transport) }
        switch outcome {
        case .value(let initialized):
            // The SDK tells its own HTTP transport the negotiated version (sent as a header from
            // now on); it does not see through the wrapper.
            await (transport as? HTTPSessionTransport)?.negotiated(initialized.protocolVersion)
            return session
        case .timedOut:
            await session.close()
            throw MCPSessionFailure(description: "did not complete the MCP handshake within \(spec.timeout.shortDescription) (\(spec.endpoint))")
        case .cancelled:
            await session.close()
            throw MCPSessionFailure(description: "was not started: the start was cancelled")
        case .failure(let error):
            // A child that died says so through the lifeline, which is a better message than the
            // SDK's "connection closed".
            let reason = lifeline.endReason.map { "\($0) during the MCP handshake" } ?? "failed the MCP handshake: \(describe(error))"
            await session.close()
            throw MCPSessionFailure(description: "\(reason) (\(spec.endpoint))")
        }
    }

    /// All the server's tools (following `nextCursor`, at most 100 pages), within `timeout`.
    func listTools(timeout: Duration) async throws(MCPSessionFailure) -> [MCP.Tool] {
        let client = client
        let outcome = await withDeadline(timeout) { () async throws -> [MCP.Tool] in
            var tools: [MCP.Tool] = []
            var cursor: String?
            for _ in 0..<100 {
                let page = try await client.listTools(cursor: cursor)
                tools += page.tools
                guard let next = page.nextCursor, !next.isEmpty else { return tools }
                cursor = next
            }
            return tools
        }
        switch outcome {
        case .value(let tools): return tools
        case .timedOut: throw MCPSessionFailure(description: "did not list its tools within \(timeout.shortDescription)")
        case .cancelled: throw MCPSessionFailure(description: "was not asked for its tools: cancelled")
        case .failure(let error):
            throw MCPSessionFailure(description: lifeline.endReason ?? "could not list its tools: \(Self.describe(error))")
        }
    }

    /// Sends `tools/call` and waits at most `timeout`. A call given up on is cancelled on the
    /// server (`notifications/cancelled`), which also drops it from the SDK client's pending set.
    func call(_ tool: String, arguments: [String: Value], timeout: Duration) async -> DeadlineOutcome<CallTool.Result> {
        let client = client
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.send(CallTool.request(.init(name: tool, arguments: arguments)))
        } catch {
            return .failure(error)
        }
        let outcome = await withDeadline(timeout) { try await context.value }
        switch outcome {
        case .timedOut, .cancelled:
            // In the background: the notification itself must not hold up the answer.
            Task { try? await client.cancelRequest(context.requestID, reason: "the caller stopped waiting") }
        case .value, .failure: break
        }
        return outcome
    }

    /// Ends the session: pending calls fail, a child is stopped and reaped. Every caller waits
    /// for the same, single closing.
    func close() async {
        let task = closing.withLock { closing -> Task<Void, Never> in
            if let closing { return closing }
            let client = client, transport = transport, lifeline = lifeline
            let task = Task {
                lifeline.end("was disconnected")
                await client.disconnect()
                // The client only disconnects a transport it was connected to; a handshake that
                // never started leaves it to us. Disconnecting twice is harmless.
                await transport.disconnect()
            }
            closing = task
            return task
        }
        await task.value
    }

    static func describe(_ error: any Error) -> String {
        (error as? MCPError)?.errorDescription ?? error.localizedDescription
    }
}

extension Duration {
    /// `10 s`, `0.5 s`: tenths, rounded up (a wait of 0.499 s reads "0.5 s").
    var shortDescription: String {
        let tenths = ((Double(components.seconds) + Double(components.attoseconds) / 1e18) * 10).rounded(.up)
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10)) s" : "\(tenths / 10) s"
    }
}
