import StructuredOutput

/// Tool-call grammars as the server builds them: `<tool_call>` + JSON + `</tool_call>`.
enum ToolCallGrammar {
    static func call(name: String, arguments: JSONValue) throws -> Grammar {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["name": ["const": .string(name)], "arguments": arguments],
            "required": ["name", "arguments"],
        ]
        return .sequence([.literal("<tool_call>"), try .jsonSchema(schema, limits: TestSchemas.limits), .literal("</tool_call>")])
    }

    /// Two tools whose calls share the prefix `<tool_call>{"name":"`.
    static let twoTools: Grammar = {
        let calculator: JSONValue = ["type": "object", "properties": ["expression": ["type": "string", "maxLength": 20]], "required": ["expression"]]
        let search: JSONValue = ["type": "object", "properties": ["query": ["type": "string", "maxLength": 10], "limit": ["type": "integer", "minimum": 1, "maximum": 50]]]
        guard let first = try? call(name: "calculator", arguments: calculator), let second = try? call(name: "calendar", arguments: search) else {
            return .empty
        }
        return .choice([first, second])
    }()
}
