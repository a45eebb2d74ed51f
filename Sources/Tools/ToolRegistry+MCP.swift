import AsyncHTTPClient
import Foundation
import MCP

extension ToolRegistry {
    /// Loads a configuration and starts its MCP servers (concurrently), discovering their tools.
    /// If any server cannot be started or listed, the servers already started are shut down and
    /// the error names the entry, the server and why. Call `shutdown()` on the result when done.
    public static func start(path: String, httpClient: HTTPClient = .shared) async throws(ConfigurationError) -> ToolRegistry {
        try await start(parsing: try contents(of: path), source: path, httpClient: httpClient)
    }

    /// `start(path:)` on configuration text; `source` names it in errors.
    public static func start(parsing data: Data, source: String, httpClient: HTTPClient = .shared) async throws(ConfigurationError) -> ToolRegistry {
        let declared = try Declarations(data, source: source, httpClient: httpClient)
        var servers: [(connection: MCPConnection, field: String)] = []
        for case .mcp(let spec, let field) in declared.entries { servers.append((MCPConnection(spec: spec), field)) }
        let discovered = await discover(servers.map(\.connection))
        // Declaration order decides which failure is reported, so the message is reproducible.
        for (index, outcome) in discovered.enumerated() {
            guard case .failure(let failure) = outcome else { continue }
            await shutdown(servers.map(\.connection))
            let server = servers[index]
            throw declared.fail("\(server.field): MCP server '\(server.connection.name)' \(failure)")
        }
        var tools: [(tool: any Tool, field: String)] = []
        var serverIndex = 0
        for entry in declared.entries {
            switch entry {
            case .tool(let tool, let field):
                tools.append((tool, field))
            case .mcp(let spec, let field):
                let connection = servers[serverIndex].connection
                let listed = (try? discovered[serverIndex].get()) ?? []
                serverIndex += 1
                for remote in listed {
                    let tool = MCPTool(remote, connection: connection)
                    guard isValidName(tool.name) else {
                        await shutdown(servers.map(\.connection))
                        throw declared.fail(
                            "\(field): MCP server '\(spec.name)' has a tool '\(tool.name)', which is not a valid function name (1...64 letters, digits, '_' or '-')")
                    }
                    tools.append((tool, "\(field) (MCP server '\(spec.name)')"))
                }
            }
        }
        do {
            try checkUniqueNames(tools, fail: declared.fail)
        } catch {
            await shutdown(servers.map(\.connection))
            throw error
        }
        return ToolRegistry(
            tools: tools.map(\.tool), maxRounds: declared.maxRounds, failsRequestOnError: declared.failsRequestOnError,
            mcpServers: servers.map(\.connection))
    }

    private static func discover(_ connections: [MCPConnection]) async -> [Result<[MCP.Tool], MCPSessionFailure>] {
        await withTaskGroup(of: (Int, Result<[MCP.Tool], MCPSessionFailure>).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    do throws(MCPSessionFailure) {
                        return (index, .success(try await connection.start()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<[MCP.Tool], MCPSessionFailure>](repeating: .success([]), count: connections.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private static func shutdown(_ connections: [MCPConnection]) async {
        await ToolRegistry(tools: [], mcpServers: connections).shutdown()
    }
}
