import AsyncHTTPClient
import Foundation
import Hummingbird
import Testing
@testable import Tools

/// The HTTP tool against a local server on port 0: a good answer, a 500, a timeout, a body that is
/// not UTF-8, one that is too large; and configuration files.
@Suite(.serialized) struct HTTPToolTests {
    static func withServer(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/echo") { request, _ -> String in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            return "echo:" + String(buffer: buffer)
        }
        router.post("/fail") { _, _ -> Response in Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "boom"))) }
        router.post("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(60))
            return "late"
        }
        router.post("/garbage") { _, _ -> Response in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: [0xFF, 0xFE, 0xC3, 0x28]))) }
        router.post("/huge") { _, _ -> String in String(repeating: "x", count: 10_000) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        defer { task.cancel() }
        try await body(port)
    }

    /// A generous timeout for the paths that answer (a loaded CI machine may be slow); the timeout case sets its own.
    static func tool(_ port: Int, _ path: String, timeout: Duration = .seconds(30), limit: Int = 4096) -> HTTPTool {
        HTTPTool(
            name: "t", description: "", parametersSchema: "{}", url: "http://127.0.0.1:\(port)\(path)", timeout: timeout,
            maxResponseBytes: limit)
    }

    @Test func answersAndFailures() async throws {
        try await Self.withServer { port in
            let echoed = try await Self.tool(port, "/echo").call(arguments: #"{"city":"Oslo"}"#)
            #expect(echoed == #"echo:{"city":"Oslo"}"#)
            await #expect(throws: ToolError.failed("HTTP 500: boom")) { try await Self.tool(port, "/fail").call(arguments: "{}") }
            let started = ContinuousClock.now
            await #expect(throws: ToolError.timedOut(.milliseconds(300))) {
                try await Self.tool(port, "/slow", timeout: .milliseconds(300)).call(arguments: "{}")
            }
            #expect(ContinuousClock.now - started < .seconds(30), "the timeout fires long before the server would answer (60 s)")
            await #expect(throws: ToolError.self) { try await Self.tool(port, "/garbage").call(arguments: "{}") }
            await #expect(throws: ToolError.failed("the response is larger than 4096 bytes")) { try await Self.tool(port, "/huge").call(arguments: "{}") }
            await #expect(throws: ToolError.invalidArguments("expected a JSON object")) { try await Self.tool(port, "/echo").call(arguments: "[1]") }
        }
        await #expect(throws: ToolError.self) { try await Self.tool(1, "/echo").call(arguments: "{}") }  // nothing listens on port 1
    }

    @Test func configurationFiles() throws {
        let registry = try ToolRegistry.parse(Data(#"""
            {"tools":[{"type":"calculator"},{"type":"http","name":"weather","url":"http://127.0.0.1:9/w","timeout_s":2,
             "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],"max_rounds":3,"on_error":"fail"}
            """#.utf8), source: "tools.json")
        #expect(registry.names == ["calculator", "weather"])
        #expect(registry.maxRounds == 3 && registry.failsRequestOnError)
        #expect((registry["weather"] as? HTTPTool)?.timeout == .seconds(2))
        let bad: [(String, String)] = [
            ("[]", "not a JSON object"),
            (#"{"tools":[{"type":"shell","name":"x"}]}"#, "tools[0].type"),
            (#"{"tools":[{"type":"http","url":"http://x"}]}"#, "tools[0].name"),
            (#"{"tools":[{"type":"http","name":"w","url":"file:///etc/passwd"}]}"#, "tools[0].url"),
            (#"{"tools":[{"type":"http","name":"w","url":"http://x","timeout_s":0}]}"#, "timeout_s"),
            (#"{"tools":[{"type":"calculator"},{"type":"calculator"}]}"#, "two tools"),
            (#"{"tools":[{"type":"calculator","name":"bad name!"}]}"#, "tools[0].name"),
            (#"{"tools":[],"max_rounds":0}"#, "max_rounds"),
            (#"{"tools":[],"on_error":"ignore"}"#, "on_error"),
        ]
        for (text, mention) in bad {
            #expect(throws: ToolRegistry.ConfigurationError.self) { try ToolRegistry.parse(Data(text.utf8), source: "tools.json") }
            do {
                _ = try ToolRegistry.parse(Data(text.utf8), source: "tools.json")
            } catch {
                #expect(error.description.contains(mention) && error.description.hasPrefix("tools.json"), "\(error)")
            }
        }
        #expect(throws: ToolRegistry.ConfigurationError.self) { try ToolRegistry.load(path: "/nonexistent/tools.json") }
    }
}
