import Foundation

/// One `{"type": "mcp"}` entry of a tool configuration: how to reach an MCP server and the limits
/// its tools run under.
///
/// ```json
/// {"type": "mcp", "name": "files", "command": ["/usr/local/bin/files-mcp", "--root", "/srv"], "timeout_s": 10}
/// {"type": "mcp", "name": "remote", "url": "http://127.0.0.1:9000/mcp", "timeout_s": 10, "prefix": "remote_"}
/// ```
/// Exactly one of `command` (a child process spoken to over stdio; a program without `/` is looked
/// up in `PATH`) and `url` (Streamable HTTP, JSON responses). `timeout_s` (default 10) bounds the
/// handshake, the tool listing and every call. `prefix` (default none) is put before each
/// discovered tool name, for two servers whose tools share names. `max_response_bytes` (default
/// 1 MiB) bounds a result's text. `reconnect_delay_s` (default 1) is the first wait before
/// relaunching a failed server; it doubles with each further failure, up to 60 s.
public struct MCPServerSpec: Sendable {
    public enum Endpoint: Sendable, CustomStringConvertible {
        case command([String])
        case url(URL)

        public var description: String {
            switch self {
            case .command(let command): command.joined(separator: " ")
            case .url(let url): url.absoluteString
            }
        }
    }

    public let name: String
    public let endpoint: Endpoint
    public let timeout: Duration
    public let prefix: String
    public let maxResultBytes: Int
    public let reconnectDelay: Duration
    /// The longest wait between the steps of stopping a child (end of input, SIGTERM, SIGKILL).
    public let stopGrace: Duration

    public init(
        name: String, endpoint: Endpoint, timeout: Duration = .seconds(10), prefix: String = "", maxResultBytes: Int = 1 << 20,
        reconnectDelay: Duration = .seconds(1), stopGrace: Duration = .seconds(2)
    ) {
        self.name = name
        self.endpoint = endpoint
        self.timeout = timeout
        self.prefix = prefix
        self.maxResultBytes = maxResultBytes
        self.reconnectDelay = reconnectDelay
        self.stopGrace = stopGrace
    }

    /// The longest wait before another reconnection attempt.
    static let maxReconnectDelay = Duration.seconds(60)

    /// Reads an entry whose `name` is already checked; errors name `field`.
    static func parse(
        _ entry: [String: Any], name: String, field: String, fail: (String) -> ToolRegistry.ConfigurationError
    ) throws(ToolRegistry.ConfigurationError) -> MCPServerSpec {
        let endpoint: Endpoint
        switch (entry["command"], entry["url"]) {
        case (let command?, nil):
            guard let parts = command as? [String], let program = parts.first, !program.isEmpty else {
                throw fail("\(field).command must be a non-empty list of strings, the program first")
            }
            endpoint = .command(parts)
        case (nil, let url?):
            guard let text = url as? String, let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""),
                parsed.host != nil
            else { throw fail("\(field).url must be an http(s) URL") }
            endpoint = .url(parsed)
        default:
            throw fail("\(field) needs exactly one of 'command' (a stdio server) and 'url' (an HTTP server)")
        }
        func seconds(_ key: String, default value: Double) throws(ToolRegistry.ConfigurationError) -> Duration {
            let number = entry[key].map { ($0 as? NSNumber)?.doubleValue ?? -1 } ?? value
            guard number > 0, number <= 600 else { throw fail("\(field).\(key) must be in (0, 600]") }
            return .seconds(number)
        }
        let prefix: String
        switch entry["prefix"] {
        case nil: prefix = ""
        case let text as String where text.isEmpty || ToolRegistry.isValidName(text): prefix = text
        default: throw fail("\(field).prefix must be a string of letters, digits, '_' or '-'")
        }
        let limit = entry["max_response_bytes"].map { $0 as? Int ?? -1 } ?? 1 << 20
        guard limit >= 1, limit <= 64 << 20 else { throw fail("\(field).max_response_bytes must be in 1...67108864") }
        return MCPServerSpec(
            name: name, endpoint: endpoint, timeout: try seconds("timeout_s", default: 10), prefix: prefix, maxResultBytes: limit,
            reconnectDelay: try seconds("reconnect_delay_s", default: 1))
    }
}
