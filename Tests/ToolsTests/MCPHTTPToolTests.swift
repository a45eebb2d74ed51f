import Foundation
import Hummingbird
import Synchronization
import Testing
@testable import Tools

/// MCP over HTTP against a minimal Streamable-HTTP responder written here (JSON answers, and one
/// answer as server-sent events): a call, the server going down and coming back, an unreachable
/// server at start.
@Suite(.serialized) struct MCPHTTPToolTests {
    /// Whether the responder answers 503 to everything.
    final class Switch: Sendable {
        let down = Mutex(false)
    }

    static func withServer(_ body: (Int, Switch) async throws -> Void) async throws {
        let state = Switch()
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            if state.down.withLock({ $0 }) { return Response(status: .serviceUnavailable) }
            guard let message = (try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8))) as? [String: Any],
                let method = message["method"] as? String
            else { return Response(status: .badRequest) }
            guard let id = message["id"] else { return Response(status: .accepted) }  // a notification
            return answer(id: id, method: method, params: message["params"] as? [String: Any] ?? [:])
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        defer { task.cancel() }
        try await body(port, state)
    }

    static func answer(id: Any, method: String, params: [String: Any]) -> Response {
        let result: Any
        var asEvents = false
        switch method {
        case "initialize":
            result = [
                "protocolVersion": params["protocolVersion"] as? String ?? "2025-06-18", "capabilities": ["tools": [:]],
                "serverInfo": ["name": "test-http", "version": "1"],
            ]
        case "tools/list":
            result = [
                "tools": [
                    [
                        "name": "shout", "description": "Upper-cases the text",
                        "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]],
                    ]
                ]
            ]
        case "tools/call":
            let arguments = params["arguments"] as? [String: Any] ?? [:]
            result = ["content": [["type": "text", "text": (arguments["text"] as? String ?? "").uppercased()]]]
            asEvents = true
        default:
            result = [:]
        }
        let json = (try? JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "result": result])) ?? Data()
        let text = String(decoding: json, as: UTF8.self)
        return Response(
            status: .ok, headers: [.contentType: asEvents ? "text/event-stream" : "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: asEvents ? "event: message\ndata: \(text)\n\n" : text)))
    }

    static func entry(port: Int) -> String {
        #"{"type":"mcp","name":"remote","url":"http://127.0.0.1:\#(port)/mcp","timeout_s":30,"reconnect_delay_s":0.3}"#
    }

    @Test func callsDownAndBack() async throws {
        try await Self.withServer { port, state in
            let registry = try await ToolRegistry.start(parsing: MCPFixture.configuration(Self.entry(port: port)), source: "tools.json")
            #expect(registry.names == ["shout"])
            let shout = try #require(registry["shout"])
            #expect(try await shout.call(arguments: #"{"text":"hello"}"#) == "HELLO")
            state.down.withLock { $0 = true }
            do {
                _ = try await shout.call(arguments: #"{"text":"hello"}"#)
                Issue.record("a server answering 503 should make the tool unavailable")
            } catch let error as ToolError {
                guard case .unavailable(let detail) = error else { throw error }
                #expect(detail.hasPrefix("MCP server 'remote' did not answer"), "\(detail)")
            }
            state.down.withLock { $0 = false }
            #expect(try await MCPFixture.eventually { () async throws(ToolError) in try await shout.call(arguments: #"{"text":"again"}"#) } == "AGAIN")
            await registry.shutdown()
        }
    }

    @Test func unreachableAtStart() async {
        do {
            // Nothing listens on port 1.
            _ = try await ToolRegistry.start(parsing: MCPFixture.configuration(Self.entry(port: 1)), source: "tools.json")
            Issue.record("an unreachable server should fail the start")
        } catch {
            #expect("\(error)".hasPrefix("tools.json: tools[0]: MCP server 'remote' "), "\(error)")
            #expect("\(error)".contains("http://127.0.0.1:1/mcp"), "\(error)")
        }
    }

    @Test func serverSentEvents() {
        let body = Data("event: message\nid: 1\ndata: {\"a\":1}\n\ndata: {\"b\":\ndata: 2}\r\n\r\n".utf8)
        #expect(ServerSentEvents.messages(in: body).map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, "{\"b\":\n2}"])
        #expect(ServerSentEvents.messages(in: Data(" {\"c\":3}".utf8)).count == 1)
    }
}
