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
public struct ToolRegistry: Sendable {
    public let tools: [String: any Tool]
    /// Names in declaration order.
    public let names: [String]
    public let maxRounds: Int
    public let failsRequestOnError: Bool

    public init(tools: [any Tool], maxRounds: Int = 8, failsRequestOnError: Bool = false) {
        var byName: [String: any Tool] = [:]
        for tool in tools where byName[tool.name] == nil { byName[tool.name] = tool }
        self.tools = byName
        names = tools.map(\.name).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        self.maxRounds = maxRounds
        self.failsRequestOnError = failsRequestOnError
    }

    public static let empty = ToolRegistry(tools: [])

    public subscript(name: String) -> (any Tool)? { tools[name] }

    /// Why a configuration file cannot be used (names the file and the field).
    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String, httpClient: HTTPClient = .shared) throws(ConfigurationError) -> ToolRegistry {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(description: "cannot read the tool configuration \(path): no such file")
        }
        return try parse(data, source: path, httpClient: httpClient)
    }

    public static func parse(_ data: Data, source: String, httpClient: HTTPClient = .shared) throws(ConfigurationError) -> ToolRegistry {
        func fail(_ detail: String) -> ConfigurationError { ConfigurationError(description: "\(source): \(detail)") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        let maxRounds = root["max_rounds"].map { $0 as? Int ?? -1 } ?? 8
        guard (1...64).contains(maxRounds) else { throw fail("'max_rounds' must be an integer in 1...64") }
        let onError = root["on_error"] as? String ?? "result"
        guard onError == "result" || onError == "fail" else { throw fail("'on_error' must be \"result\" or \"fail\", got \(onError)") }
        guard let entries = root["tools"] as? [[String: Any]] else { throw fail("'tools' must be a list of objects") }
        var tools: [any Tool] = []
        for (index, entry) in entries.enumerated() {
            tools.append(try tool(entry, field: "tools[\(index)]", fail: fail, httpClient: httpClient))
        }
        let names = tools.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw fail("two tools are named '\(duplicate)'")
        }
        return ToolRegistry(tools: tools, maxRounds: maxRounds, failsRequestOnError: onError == "fail")
    }

    private static func tool(
        _ entry: [String: Any], field: String, fail: (String) -> ConfigurationError, httpClient: HTTPClient
    ) throws(ConfigurationError) -> any Tool {
        let name = entry["name"] as? String
        if let name, !isValidName(name) { throw fail("\(field).name '\(name)' must be 1...64 letters, digits, '_' or '-'") }
        switch entry["type"] as? String {
        case "calculator":
            return CalculatorTool(name: name ?? "calculator")
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
            return HTTPTool(
                name: name, description: entry["description"] as? String ?? "", parametersSchema: schema, url: url,
                timeout: .seconds(timeout), maxResponseBytes: limit, client: httpClient)
        case let other:
            throw fail("\(field).type must be \"calculator\" or \"http\", got \(other.map { "'\($0)'" } ?? "nothing")")
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
