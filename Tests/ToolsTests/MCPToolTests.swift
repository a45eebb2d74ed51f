import Foundation
import Testing
@testable import Tools

/// MCP tools against the `augserve-test-mcp` fixture over stdio: discovery, answers, errors,
/// timeouts, a crash and the reconnection after it, start-up failures, and that no child
/// outlives `shutdown()`. Serialized: the child-process checks look at all of this process's children.
@Suite(.serialized, .enabled(if: MCPFixture.isBuilt, MCPFixture.missing))
struct MCPToolTests {
    static func start(_ entries: String...) async throws -> ToolRegistry {
        try await ToolRegistry.start(parsing: MCPFixture.configuration(entries), source: "tools.json")
    }

    /// Runs `body` on a started registry and shuts it down afterwards, also when `body` throws.
    static func with(_ entries: String..., body: (ToolRegistry) async throws -> Void) async throws {
        let registry = try await ToolRegistry.start(parsing: MCPFixture.configuration(entries), source: "tools.json")
        do {
            try await body(registry)
        } catch {
            await registry.shutdown()
            throw error
        }
        await registry.shutdown()
    }

    static func call(_ registry: ToolRegistry, _ name: String, _ arguments: String = "{}") async throws(ToolError) -> String {
        guard let tool = registry[name] else { throw .unavailable("no tool \(name)") }
        return try await tool.call(arguments: arguments)
    }

    /// The error a call throws (nil when it succeeds).
    static func failure(_ registry: ToolRegistry, _ name: String, _ arguments: String = "{}") async -> ToolError? {
        do {
            _ = try await call(registry, name, arguments)
            return nil
        } catch {
            return error
        }
    }

    @Test func discoversToolsWithSchemas() async throws {
        try await Self.with(#"{"type":"calculator"}"#, MCPFixture.entry()) { registry async throws in
            #expect(registry.names == ["calculator", "echo", "add", "fail", "sleep", "crash"])
            let echo = try #require(registry["echo"] as? MCPTool)
            #expect(echo.description == "Returns the text it is given.")
            let schema = try #require(try JSONSerialization.jsonObject(with: Data(echo.parametersSchema.utf8)) as? [String: Any])
            #expect(schema["type"] as? String == "object")
            #expect(((schema["properties"] as? [String: Any])?["text"] as? [String: Any])?["type"] as? String == "string")
            #expect(schema["required"] as? [String] == ["text"])
            let add = try #require(registry["add"])
            #expect(add.parametersSchema.contains(#""a":{"type":"number"}"#) && add.parametersSchema.contains(#""b":{"type":"number"}"#))
        }
    }

    @Test func answersAndErrors() async throws {
        try await Self.with(MCPFixture.entry()) { registry async throws in
            #expect(try await Self.call(registry, "echo", #"{"text":"hello, world"}"#) == "hello, world")
            #expect(try await Self.call(registry, "add", #"{"a":2,"b":3}"#) == "5")
            #expect(try await Self.call(registry, "add", #"{"a":2,"b":3.5}"#) == "5.5")
            #expect(await Self.failure(registry, "fail") == .failed("the fail tool always fails"))
            #expect(await Self.failure(registry, "echo", "[1]") == .invalidArguments("expected a JSON object"))
            // A tool error is the tool's answer, not a sick server: the next call works as before.
            #expect(try await Self.call(registry, "echo", #"{"text":"still here"}"#) == "still here")
        }
    }

    @Test func timesOut() async throws {
        try await Self.with(MCPFixture.entry(timeout: 1)) { registry async throws in
            let started = ContinuousClock.now
            #expect(await Self.failure(registry, "sleep", #"{"seconds":30}"#) == .timedOut(.seconds(1)))
            #expect(ContinuousClock.now - started < .seconds(10))
            // The server is still healthy (it handles calls concurrently), so the connection stays.
            #expect(try await Self.call(registry, "echo", #"{"text":"after"}"#) == "after")
        }
    }

    @Test func crashThenReconnect() async throws {
        var lastPID: Int32?
        try await Self.with(#"{"type":"calculator"}"#, MCPFixture.entry()) { registry async throws in
            let server = try #require(registry.mcpServers.first)
            let firstPID = try #require(await server.processID)
            let crash = await Self.failure(registry, "crash")
            guard case .unavailable(let detail) = crash else {
                Issue.record("expected unavailable, got \(String(describing: crash))")
                return
            }
            #expect(detail.hasPrefix("MCP server 'files' exited with status 3"), "\(detail)")
            // Within the backoff the server is not relaunched: the tools say so at once.
            let next = await Self.failure(registry, "echo", #"{"text":"x"}"#)
            guard case .unavailable(let reason) = next else {
                Issue.record("expected unavailable, got \(String(describing: next))")
                return
            }
            #expect(reason.contains("MCP server 'files'") && reason.contains("reconnecting"), "\(reason)")
            // Everything else keeps working meanwhile.
            #expect(try await Self.call(registry, "calculator", #"{"expression":"6*7"}"#) == "42")
            #expect(!MCPFixture.exists(firstPID), "the crashed child must be reaped")
            // After the backoff (1 s here) the next call relaunches the server.
            #expect(try await MCPFixture.eventually { () async throws(ToolError) in try await Self.call(registry, "echo", #"{"text":"back"}"#) } == "back")
            let secondPID = try #require(await server.processID)
            #expect(secondPID != firstPID)
            lastPID = secondPID
        }
        #expect(lastPID.map(MCPFixture.exists) == false, "the relaunched child must be gone after shutdown()")
    }

    @Test func shutdownLeavesNoChild() async throws {
        let registry = try await Self.start(MCPFixture.entry(), MCPFixture.entry(name: "more", extra: #""prefix":"more_""#))
        #expect(registry.names.contains("more_echo"))
        let pids = await registry.mcpServers.asyncMap { await $0.processID }.compactMap { $0 }
        #expect(pids.count == 2 && pids.allSatisfy(MCPFixture.exists))
        // A call still running when the server is stopped fails instead of hanging.
        let sleeping = Task { await Self.failure(registry, "sleep", #"{"seconds":30}"#) }
        try await Task.sleep(for: .milliseconds(200))
        await registry.shutdown()
        for pid in pids { #expect(!MCPFixture.exists(pid), "pid \(pid) is still there after shutdown()") }
        #expect(MCPFixture.children().isEmpty)
        guard case .unavailable? = await sleeping.value else {
            Issue.record("the interrupted call should be unavailable")
            return
        }
        guard case .unavailable(let detail)? = await Self.failure(registry, "echo", #"{"text":"x"}"#) else {
            Issue.record("calls after shutdown should be unavailable")
            return
        }
        #expect(detail.contains("shut down"))
        await registry.shutdown()  // twice is harmless
    }

    @Test func startupFailures() async {
        let cases: [(String, String)] = [
            (#"{"type":"mcp","name":"files","command":["/nonexistent/mcp-server"]}"#, "/nonexistent/mcp-server"),
            (#"{"type":"mcp","name":"files","command":["no-such-mcp-server-anywhere"]}"#, "not an executable found in PATH"),
            (MCPFixture.entry(arguments: ["--exit", "7"]), "exited with status 7"),
            (MCPFixture.entry(arguments: ["--silent"], timeout: 1), "did not complete the MCP handshake within 1 s"),
        ]
        for (entry, mention) in cases {
            do {
                let registry = try await Self.start(entry)
                Issue.record("\(entry) should not start")
                await registry.shutdown()
            } catch {
                #expect("\(error)".hasPrefix("tools.json: tools[0]: MCP server 'files' "), "\(error)")
                #expect("\(error)".contains(mention), "\(error)")
            }
        }
        // A failure of a later server stops the ones already started.
        do {
            _ = try await Self.start(MCPFixture.entry(), #"{"type":"mcp","name":"broken","command":["/nonexistent/x"]}"#)
            Issue.record("should not start")
        } catch {
            #expect("\(error)".contains("tools[1]: MCP server 'broken'"), "\(error)")
        }
        #expect(MCPFixture.children().isEmpty)
    }

    @Test func configurationErrors() async throws {
        let bad: [(String, String)] = [
            (#"{"type":"mcp","command":["x"]}"#, "tools[0].name is required"),
            (#"{"type":"mcp","name":"m"}"#, "exactly one of 'command'"),
            (#"{"type":"mcp","name":"m","command":["x"],"url":"http://h/mcp"}"#, "exactly one of 'command'"),
            (#"{"type":"mcp","name":"m","command":[]}"#, "tools[0].command"),
            (#"{"type":"mcp","name":"m","command":"x"}"#, "tools[0].command"),
            (#"{"type":"mcp","name":"m","url":"ftp://h/mcp"}"#, "tools[0].url"),
            (#"{"type":"mcp","name":"m","command":["x"],"timeout_s":0}"#, "tools[0].timeout_s"),
            (#"{"type":"mcp","name":"m","command":["x"],"prefix":"a.b"}"#, "tools[0].prefix"),
        ]
        for (entry, mention) in bad {
            do {
                _ = try await Self.start(entry)
                Issue.record("\(entry) should be refused")
            } catch {
                #expect("\(error)".hasPrefix("tools.json: ") && "\(error)".contains(mention), "\(error)")
            }
        }
        // The synchronous loader cannot start servers, and says which entry needs the other one.
        #expect(throws: ToolRegistry.ConfigurationError.self) {
            try ToolRegistry.parse(MCPFixture.configuration(MCPFixture.entry()), source: "tools.json")
        }
        do {
            _ = try ToolRegistry.parse(MCPFixture.configuration(MCPFixture.entry()), source: "tools.json")
        } catch {
            #expect("\(error)".contains("tools[0]") && "\(error)".contains("ToolRegistry.start"), "\(error)")
        }
        // Two servers with the same tools clash unless one has a prefix.
        do {
            _ = try await Self.start(MCPFixture.entry(), MCPFixture.entry(name: "again"))
            Issue.record("duplicate tool names should be refused")
        } catch {
            #expect("\(error)".contains("two tools are named 'echo'") && "\(error)".contains("prefix"), "\(error)")
        }
        #expect(MCPFixture.children().isEmpty)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var results: [T] = []
        for element in self { results.append(await transform(element)) }
        return results
    }
}
