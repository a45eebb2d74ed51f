/// A function the model may call (`tools[]` with `type: "function"`).
public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The JSON-Schema of the arguments (nil: none given — a server-side tool fills it in).
    public var parameters: AnyJSON?

    public init(name: String, description: String? = nil, parameters: AnyJSON? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// `tool_choice`.
public enum ToolChoice: Sendable, Equatable {
    case none, auto, required
    case function(String)
}

/// `response_format`.
public enum ResponseFormat: Sendable, Equatable {
    case text
    case jsonObject
    case jsonSchema(name: String, schema: AnyJSON)
}

/// A call the model made, as the conversation carries it (`message.tool_calls[]`).
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as the model wrote them (a JSON object's text).
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// The tool-related fields of a chat request.
public struct ToolFields: Sendable, Equatable {
    public var tools: [ToolDefinition] = []
    public var choice: ToolChoice = .auto
    public var parallelCalls = true
    public var responseFormat: ResponseFormat = .text

    enum Keys: String, CodingKey {
        case tools
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
        case responseFormat = "response_format"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let entries = try c.decodeIfPresent([ToolEntry].self, forKey: .tools) ?? []
        tools = entries.map { ToolDefinition(name: $0.function.name, description: $0.function.description, parameters: $0.function.parameters) }
        parallelCalls = try c.decodeIfPresent(Bool.self, forKey: .parallelToolCalls) ?? true
        if let choice = try c.decodeIfPresent(ChoiceValue.self, forKey: .toolChoice) { self.choice = choice.value } else { choice = tools.isEmpty ? .none : .auto }
        responseFormat = try c.decodeIfPresent(FormatValue.self, forKey: .responseFormat)?.value ?? .text
    }

    struct ToolEntry: Decodable {
        var type: String?
        var function: Function

        struct Function: Decodable {
            var name: String
            var description: String?
            var parameters: AnyJSON?
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            if let type, type != "function" {
                throw WireError("invalid 'tools[].type' '\(type.prefix(40))': only \"function\" tools are supported", param: "tools")
            }
            function = try c.decode(Function.self, forKey: .function)
        }

        enum CodingKeys: String, CodingKey { case type, function }
    }

    struct ChoiceValue: Decodable {
        var value: ToolChoice

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                switch text {
                case "none": value = .none
                case "auto": value = .auto
                case "required": value = .required
                default: throw WireError("invalid 'tool_choice' '\(text.prefix(40))': expected none, auto, required or a function", param: "tool_choice")
                }
                return
            }
            struct Named: Decodable {
                struct Function: Decodable { var name: String }
                var function: Function
            }
            guard let named = try? container.decode(Named.self) else {
                throw WireError("invalid 'tool_choice': expected a string or {\"type\": \"function\", \"function\": {\"name\": ...}}", param: "tool_choice")
            }
            value = .function(named.function.name)
        }
    }

    struct FormatValue: Decodable {
        var value: ResponseFormat

        init(from decoder: any Decoder) throws {
            struct Raw: Decodable {
                struct Schema: Decodable {
                    var name: String?
                    var schema: AnyJSON?
                }
                var type: String
                var jsonSchema: Schema?
                enum CodingKeys: String, CodingKey {
                    case type
                    case jsonSchema = "json_schema"
                }
            }
            let raw = try Raw(from: decoder)
            switch raw.type {
            case "text": value = .text
            case "json_object": value = .jsonObject
            case "json_schema":
                guard let schema = raw.jsonSchema?.schema else {
                    throw WireError("'response_format.json_schema.schema' is required for type json_schema", param: "response_format")
                }
                value = .jsonSchema(name: raw.jsonSchema?.name ?? "response", schema: schema)
            default:
                throw WireError("invalid 'response_format.type' '\(raw.type.prefix(40))': expected text, json_object or json_schema", param: "response_format")
            }
        }
    }
}
