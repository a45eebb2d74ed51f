import Foundation
import Logging
import MCP

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The SDK's `HTTPClientTransport` (plain POSTs, no event stream) plus:
/// - a POST that fails (refused, reset, 5xx, expired session) ends the session's lifeline, so the
///   call is reported as the server being unavailable and the next one reconnects;
/// - a response sent as server-sent events is unpacked into its messages (on Linux the SDK
///   passes such a body on whole, which the client cannot decode);
/// - the message stream ends with an error, not a plain finish (the SDK client's read loop spins
///   on a stream that merely finishes).
actor HTTPSessionTransport: Transport {
    nonisolated let logger: Logger
    private let inner: HTTPClientTransport
    private let lifeline: SessionLifeline
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    init(url: URL, timeout: Duration, lifeline: SessionLifeline) {
        self.lifeline = lifeline
        logger = Logger(label: "augserve.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = URLSessionConfiguration.ephemeral
        // The calls have their own deadline; this only keeps abandoned requests from lingering.
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds) + 5
        inner = HTTPClientTransport(endpoint: url, configuration: configuration, streaming: false, logger: logger)
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard lifeline.endReason == nil else { throw MCPError.connectionClosed }
        try await inner.connect()
        let inner = inner, continuation = continuation
        Task {
            do {
                for try await body in await inner.receive() {
                    for message in ServerSentEvents.messages(in: body) { continuation.yield(message) }
                }
            } catch {}
            continuation.finish(throwing: MCPError.connectionClosed)
        }
    }

    func send(_ data: Data) async throws {
        guard lifeline.endReason == nil else { throw MCPError.connectionClosed }
        do {
            try await inner.send(data)
        } catch {
            lifeline.end("did not answer (\(Self.describe(error)))")
            throw error
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// The protocol version the handshake settled on, for the `MCP-Protocol-Version` header.
    func negotiated(_ version: String) async { await inner.updateNegotiatedProtocolVersion(version) }

    func disconnect() async {
        lifeline.end("was disconnected")
        await inner.disconnect()
        continuation.finish(throwing: MCPError.connectionClosed)
    }

    static func describe(_ error: any Error) -> String {
        (error as? MCPError)?.errorDescription ?? error.localizedDescription
    }
}

/// Server-sent events as Streamable HTTP uses them: each event's `data:` lines are one message.
enum ServerSentEvents {
    /// The JSON-RPC messages in a response body: the body itself when it is JSON, else the data of
    /// each of its events.
    static func messages(in body: Data) -> [Data] {
        guard let first = body.first(where: { !" \t\r\n".utf8.contains($0) }), first != UInt8(ascii: "{"), first != UInt8(ascii: "[")
        else { return [body] }
        var messages: [Data] = []
        var lines: [Substring] = []
        func flush() {
            if !lines.isEmpty { messages.append(Data(lines.joined(separator: "\n").utf8)) }
            lines = []
        }
        // By characters, where "\r\n" is one newline, so both line endings split alike.
        for line in String(decoding: body, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("data:") {
                let value = line.dropFirst(5)
                lines.append(value.first == " " ? value.dropFirst() : value)
            }
        }
        flush()
        return messages
    }
}
