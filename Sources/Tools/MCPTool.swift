import Foundation
import MCP

/// A tool of an MCP server, discovered at start (`tools/list`): a call is a `tools/call` on the
/// server's connection, and the result is the text of its content.
///
/// Errors: a result flagged `isError` is `.failed` with the tool's own text; a JSON-RPC error (an
/// unknown tool, bad parameters) is `.failed` with the server's message; no answer within the
/// server's `timeout_s` is `.timedOut`; a server that is down or died during the call is
/// `.unavailable("MCP server 'files' …")`.
public struct MCPTool: Tool {
    /// The name the model calls: the server's `prefix` and the MCP tool's name.
    public let name: String
    /// The tool's name on the MCP server.
    public let remoteName: String
    public let description: String
    public let parametersSchema: String
    public let connection: MCPConnection

    init(_ tool: MCP.Tool, connection: MCPConnection) {
        name = connection.spec.prefix + tool.name
        remoteName = tool.name
        description = tool.description ?? tool.title ?? ""
        parametersSchema = Self.schemaText(tool.inputSchema)
        self.connection = connection
    }

    public func call(arguments: String) async throws(ToolError) -> String {
        let result = try await connection.call(remoteName, arguments: try Self.argumentObject(arguments))
        let text = Self.text(of: result)
        if result.isError == true {
            throw .failed(text.isEmpty ? "the tool '\(remoteName)' of MCP server '\(connection.name)' reported an error" : text)
        }
        let limit = connection.spec.maxResultBytes
        guard text.utf8.count <= limit else { throw .failed("the result is larger than \(limit) bytes") }
        return text
    }

    /// The arguments as the MCP object; an empty string (some models send one for no arguments)
    /// is `{}`.
    static func argumentObject(_ arguments: String) throws(ToolError) -> [String: Value] {
        let trimmed = arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [:] }
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(trimmed.utf8)), case .object(let object) = value else {
            throw .invalidArguments("expected a JSON object")
        }
        return object
    }

    /// Text parts joined by newlines; other parts described in brackets, since a language model
    /// reads text only; with no content, the structured content as JSON.
    static func text(of result: CallTool.Result) -> String {
        let parts = result.content.map { content -> String in
            switch content {
            case .text(let text, _, _):
                return text
            case .image(let data, let mimeType, _, _):
                return "[image \(mimeType), \(data.count * 3 / 4) bytes]"
            case .audio(let data, let mimeType, _, _):
                return "[audio \(mimeType), \(data.count * 3 / 4) bytes]"
            case .resource(let resource, _, _):
                return resource.text ?? "[resource \(resource.uri)\(resource.mimeType.map { ", \($0)" } ?? "")]"
            case .resourceLink(let uri, let name, _, _, let mimeType, _):
                return "[resource link \(name): \(uri)\(mimeType.map { ", \($0)" } ?? "")]"
            }
        }
        if parts.isEmpty, let structured = result.structuredContent { return jsonText(structured) ?? "" }
        return parts.joined(separator: "\n")
    }

    /// The input schema as JSON text; anything but an object schema becomes the empty one.
    static func schemaText(_ schema: Value) -> String {
        guard case .object = schema, let text = jsonText(schema) else { return #"{"type":"object","properties":{}}"# }
        return text
    }

    static func jsonText(_ value: Value) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
