import Foundation
import Hummingbird
import NIOCore
import ServerAssembly
import ServingCore
import Testing

/// Server-side tools over HTTP with the real model: the calculator and HTTP tools run inside one
/// request (a live interception), failures reach the model as error results (or fail the request
/// when configured), and every request leaves the KV pool idle.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct ToolServerTests {
    /// A local HTTP tool backend: /weather answers, /fail is a 500, /slow never answers in time,
    /// /garbage is not UTF-8.
    static func withBackend(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/weather") { request, _ -> String in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            return String(buffer: buffer).contains("Oslo") ? #"{"city":"Oslo","temperature_c":-3}"# : #"{"temperature_c":21}"#
        }
        router.post("/fail") { _, _ -> Response in Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "backend down"))) }
        router.post("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        router.post("/garbage") { _, _ -> Response in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0xC3]))) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        try await body(await iterator.next() ?? 0)
    }

    static func configuration(backend: Int, onError: String = "result") throws -> String {
        let schema = #"{"type":"object","properties":{"city":{"type":"string","maxLength":16}},"required":["city"]}"#
        let tools = ["weather", "fail", "slow", "garbage"].map { path in
            #"{"type":"http","name":"\#(path)","description":"Weather of a city","url":"http://127.0.0.1:\#(backend)/\#(path)","timeout_s":\#(path == "slow" ? 1 : 30),"parameters":\#(schema)}"#
        }
        let text = #"{"tools":[{"type":"calculator"},\#(tools.joined(separator: ","))],"max_rounds":3,"on_error":"\#(onError)"}"#
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("augserve-tools-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func ask(_ server: LiveServer, _ question: String, tool: String, stream: Bool = false) async throws -> LiveServer.Reply {
        try await server.post("/v1/chat/completions", #"""
            {"messages":[{"role":"user","content":"\#(question)"}],"temperature":0,"max_tokens":48,"stream":\#(stream),
             "tools":[{"type":"function","function":{"name":"\#(tool)"}}],"tool_choice":{"type":"function","function":{"name":"\#(tool)"}}}
            """#)
    }

    static func serverCalls(_ reply: LiveServer.Reply) -> [[String: Any]] {
        (reply.json["augserve"] as? [String: Any])?["tool_calls"] as? [[String: Any]] ?? []
    }

    static func content(_ reply: LiveServer.Reply) -> String {
        ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
    }

    @Test func toolsRunInsideTheRequest() async throws {
        try await Self.withBackend { backend in
            let server = try await LiveServer.start(LiveServer.settings { $0.toolConfigurationPath = try? Self.configuration(backend: backend) })
            // The calculator: a named call, run by the server; the answer uses its result.
            let calculator = try await Self.ask(server, "What is 2 to the power of 10?", tool: "calculator")
            #expect(calculator.status == 200, "\(calculator.text)")
            let call = try #require(Self.serverCalls(calculator).first)
            #expect(call["name"] as? String == "calculator" && call["result"] as? String == "1024" && call["failed"] as? Bool == false)
            #expect(Self.content(calculator).contains("1024"), "\(Self.content(calculator))")
            #expect(((calculator.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String) == "stop")
            // An HTTP tool: the backend's answer is the result.
            let weather = try await Self.ask(server, "What is the weather in Oslo?", tool: "weather")
            #expect(Self.serverCalls(weather).first?["result"] as? String == #"{"city":"Oslo","temperature_c":-3}"#)
            // Failures reach the model as error results; the request still completes.
            for (tool, mention) in [("fail", "HTTP 500"), ("slow", "did not answer"), ("garbage", "not UTF-8")] {
                let reply = try await Self.ask(server, "What is the weather in Rome?", tool: tool)
                #expect(reply.status == 200, "\(tool): \(reply.text)")
                let failed = try #require(Self.serverCalls(reply).first, "\(tool)")
                #expect(failed["failed"] as? Bool == true && (failed["result"] as? String)?.contains(mention) == true, "\(tool): \(failed)")
            }
            // Streaming: the result arrives in an extension chunk, the stream ends normally.
            let streamed = try await Self.ask(server, "What is 2 to the power of 10?", tool: "calculator", stream: true)
            #expect(streamed.text.contains(#""tool_results":[{"id":"call_"#) && streamed.text.contains(#""result":"1024""#))
            #expect(streamed.text.hasSuffix("data: [DONE]\n\n"))
            try await server.expectIdle()
            await server.stop()
        }
    }

    @Test func failingToolsCanFailTheRequest() async throws {
        try await Self.withBackend { backend in
            let server = try await LiveServer.start(LiveServer.settings {
                $0.toolConfigurationPath = try? Self.configuration(backend: backend, onError: "fail")
            })
            let reply = try await Self.ask(server, "What is the weather in Rome?", tool: "fail")
            #expect(reply.status == 502, "\(reply.text)")
            #expect((reply.json["error"] as? [String: Any])?["type"] as? String == "ToolError")
            try await server.expectIdle()
            await server.stop()
        }
    }

    static var mcpServer: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("augserve-test-mcp").path
    }

    /// MCP tools over stdio, discovered at start: a call runs inside the request; a failing tool and
    /// a crashed server give the model error results while the server stays healthy; the next call
    /// reconnects; shutting down stops the child.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: mcpServer), "augserve-test-mcp is not built"))
    func mcpToolsRunInsideTheRequest() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("augserve-tools-\(UUID().uuidString).json").path
        try #"{"tools":[{"type":"mcp","name":"demo","command":["\#(Self.mcpServer)"],"timeout_s":30,"reconnect_delay_s":0.2}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let server = try await LiveServer.start(LiveServer.settings { $0.toolConfigurationPath = path })
        #expect(server.stack.application.tools.names.contains("add"))
        let added = try await Self.ask(server, "What is 20 plus 22?", tool: "add")
        let call = try #require(Self.serverCalls(added).first, "\(added.text)")
        #expect(call["failed"] as? Bool == false && (call["result"] as? String).map { Double($0) != nil } == true, "\(call)")
        let failing = try await Self.ask(server, "Please fail.", tool: "fail")
        #expect(failing.status == 200 && Self.serverCalls(failing).first?["failed"] as? Bool == true)
        let crashed = try await Self.ask(server, "Crash now.", tool: "crash")
        #expect(crashed.status == 200 && Self.serverCalls(crashed).first?["failed"] as? Bool == true, "\(crashed.text)")
        #expect(try await server.get("/health").status == 200)
        var recovered = false
        for _ in 0..<20 where !recovered {
            try await Task.sleep(for: .milliseconds(300))
            let again = try await Self.ask(server, "What is 1 plus 2?", tool: "add")
            recovered = Self.serverCalls(again).first?["failed"] as? Bool == false
        }
        #expect(recovered, "the MCP server is relaunched on a later call")
        try await server.expectIdle()
        await server.stop()
        await server.stack.application.tools.shutdown()
    }

    @Test func badToolConfigurationsAreClearErrors() async throws {
        var settings = LiveServer.settings()
        settings.toolConfigurationPath = "/nonexistent/tools.json"
        await #expect(throws: ServingStack.BuildError.self) { try await ServingStack.build(settings) }
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("augserve-tools-\(UUID().uuidString).json").path
        try #"{"tools":[{"type":"mcp","name":"files","command":["/nonexistent/mcp-server"]}]}"#.write(toFile: broken, atomically: true, encoding: .utf8)
        settings.toolConfigurationPath = broken
        do {
            _ = try await ServingStack.build(settings)
            Issue.record("an MCP server that cannot start must be a configuration error")
        } catch {
            #expect(error.description.contains("files"), "\(error)")
        }
    }
}
