import AsyncHTTPClient
import Foundation

/// The server-side tools a configuration file declares, by name, and how their calls are run.
///
/// The file is JSON:
/// ```json
/// {"tools": [
///    {"type": "calculator"},
///    {"type": "http", "name": "weather", "description": "Weather for a city",
///     "url": "http://127.0.0.1:9000/weather", "timeout_s": 5, "max_response_bytes": 65536,
///     "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
///  "max_rounds": 8, "on_error": "result"}
/// ```
/// `on_error`: `result` (default) gives the model the error as the tool's result; `fail` fails the
/// request. `max_rounds`: server-side calls one request may make (default 8).
///
/// An entry `{"type": "mcp", "name": "files", "command": [...]}` or `{..., "url": "http://..."}`
/// declares an MCP server (see `MCPServerSpec`); each tool it lists becomes a tool of the same
/// name (after the entry's optional `prefix`). MCP servers are started, and their tools
/// discovered, by the asynchronous `start(path:)`: a server that cannot be started or does not
/// list its tools within its timeout fails the whole load, naming it, since its tools' schemas
/// would be unknown. Call `shutdown()` before exiting to stop the server processes.
public struct ToolRegistry: Sendable {
    public let tools: [String: any Tool]
    /// Names in declaration order.
    public let names: [String]
    public let maxRounds: Int
    public let failsRequestOnError: Bool
    /// The MCP servers some of the tools call, in declaration order.
    public let mcpServers: [MCPConnection]

    public init(tools: [any Tool], maxRounds: Int = 8, failsRequestOnError: Bool = false, mcpServers: [MCPConnection] = []) {
        var byName: [String: any Tool] = [:]
        for tool in tools where byName[tool.name] == nil { byName[tool.name] = tool }
        self.tools = byName
        names = tools.map(\.name).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        self.maxRounds = maxRounds
        self.failsRequestOnError = failsRequestOnError
        self.mcpServers = mcpServers
    }

    /// Stops every MCP server (children are stopped and reaped before this returns); their tools
    /// fail as unavailable afterwards. Safe to call more than once.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for server in mcpServers { group.addTask { await server.shutdown() } }
        }
    }

    public static let empty = ToolRegistry(tools: [])

    public subscript(name: String) -> (any Tool)? { tools[name] }

    /// Why a configuration file cannot be used (names the file and the field).
    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads a configuration without MCP servers (those need `start(path:)`).
    public static func load(path: String, httpClient: HTTPClient = .shared) throws(ConfigurationError) -> ToolRegistry {
        try parse(try contents(of: path), source: path, httpClient: httpClient)
    }

    /// Parses a configuration without MCP servers (those need `start(parsing:source:)`).
    public static func parse(_ data: Data, source: String, httpClient: HTTPClient = .shared) throws(ConfigurationError) -> ToolRegistry {
        let declared = try Declarations(data, source: source, httpClient: httpClient)
        var tools: [(tool: any Tool, field: String)] = []
        for entry in declared.entries {
            switch entry {
            case .tool(let tool, let field): tools.append((tool, field))
            case .mcp(let spec, let field):
                throw declared.fail("\(field): the MCP server '\(spec.name)' can only be started by the asynchronous ToolRegistry.start(path:)")
            }
        }
        try checkUniqueNames(tools, fail: declared.fail)
        return ToolRegistry(tools: tools.map(\.tool), maxRounds: declared.maxRounds, failsRequestOnError: declared.failsRequestOnError)
    }

    static func contents(of path: String) throws(ConfigurationError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(description: "cannot read the tool configuration \(path): no such file")
        }
        return data
    }

    /// `tools[1]` and `tools[3]` are both named `search`: the error says so.
    static func checkUniqueNames(_ tools: [(tool: any Tool, field: String)], fail: (String) -> ConfigurationError) throws(ConfigurationError) {
        var fields: [String: String] = [:]
        for (tool, field) in tools {
            if let first = fields[tool.name] {
                let hint = tool is MCPTool ? "; give one MCP server a \"prefix\"" : ""
                throw fail("two tools are named '\(tool.name)' (\(first) and \(field))\(hint)")
            }
            fields[tool.name] = field
        }
    }

    /// A configuration checked field by field; MCP servers not yet started.
    struct Declarations {
        enum Entry {
            case tool(any Tool, field: String)
            case mcp(MCPServerSpec, field: String)
        }

        let entries: [Entry]
        let maxRounds: Int
        let failsRequestOnError: Bool
        let fail: (String) -> ConfigurationError

        init(_ data: Data, source: String, httpClient: HTTPClient) throws(ConfigurationError) {
            let fail = { (detail: String) in ConfigurationError(description: "\(source): \(detail)") }
            self.fail = fail
            guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            maxRounds = root["max_rounds"].map { $0 as? Int ?? -1 } ?? 8
            guard (1...64).contains(maxRounds) else { throw fail("'max_rounds' must be an integer in 1...64") }
            let onError = root["on_error"] as? String ?? "result"
            guard onError == "result" || onError == "fail" else { throw fail("'on_error' must be \"result\" or \"fail\", got \(onError)") }
            failsRequestOnError = onError == "fail"
            guard let list = root["tools"] as? [[String: Any]] else { throw fail("'tools' must be a list of objects") }
            var entries: [Entry] = []
            for (index, entry) in list.enumerated() {
                entries.append(try ToolRegistry.entry(entry, field: "tools[\(index)]", fail: fail, httpClient: httpClient))
            }
            self.entries = entries
        }
    }

    private static func entry(
        _ entry: [String: Any], field: String, fail: (String) -> ConfigurationError, httpClient: HTTPClient
    ) throws(ConfigurationError) -> Declarations.Entry {
        let name = entry["name"] as? String
        if let name, !isValidName(name) { throw fail("\(field).name '\(name)' must be 1...64 letters, digits, '_' or '-'") }
        switch entry["type"] as? String {
        case "calculator":
            return .tool(CalculatorTool(name: name ?? "calculator"), field: field)
        case "http":
            guard let name else { throw fail("\(field).name is required for an http tool") }
            guard let url = entry["url"] as? String, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""),
                parsed.host != nil
            else { throw fail("\(field).url must be an http(s) URL") }
            let timeout = entry["timeout_s"].map { ($0 as? NSNumber)?.doubleValue ?? -1 } ?? 10
            guard timeout > 0, timeout <= 600 else { throw fail("\(field).timeout_s must be in (0, 600]") }
            let limit = entry["max_response_bytes"].map { $0 as? Int ?? -1 } ?? 1 << 20
            guard limit >= 1, limit <= 64 << 20 else { throw fail("\(field).max_response_bytes must be in 1...67108864") }
            let schema = try schemaText(entry["parameters"], field: field, fail: fail)
            let tool = HTTPTool(
                name: name, description: entry["description"] as? String ?? "", parametersSchema: schema, url: url,
                timeout: .seconds(timeout), maxResponseBytes: limit, client: httpClient)
            return .tool(tool, field: field)
        case "mcp":
            guard let name else { throw fail("\(field).name is required for an mcp server") }
            return .mcp(try MCPServerSpec.parse(entry, name: name, field: field, fail: fail), field: field)
        case let other:
            throw fail("\(field).type must be \"calculator\", \"http\" or \"mcp\", got \(other.map { "'\($0)'" } ?? "nothing")")
        }
    }

    static func schemaText(_ value: Any?, field: String, fail: (String) -> ConfigurationError) throws(ConfigurationError) -> String {
        guard let value else { return #"{"type":"object","properties":{}}"# }
        guard value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else {
            throw fail("\(field).parameters must be a JSON-Schema object")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }
}
