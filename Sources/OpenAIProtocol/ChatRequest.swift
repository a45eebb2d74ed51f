/// `POST /v1/chat/completions`.
public struct ChatCompletionRequest: Decodable, Sendable, Equatable {
    public var messages: [Message]
    public var fields: GenerationFields
    public var toolFields: ToolFields
    /// Chat's `logprobs` is a boolean; `top_logprobs` a count.
    public var logprobs: Bool
    public var topLogprobs: Int?

    public struct Message: Decodable, Sendable, Equatable {
        public var role: String
        public var content: String
        public var name: String?
        /// An assistant message's calls.
        public var toolCalls: [ToolCall]
        /// A tool message: the call it answers.
        public var toolCallID: String?

        enum CodingKeys: String, CodingKey {
            case role, content, name
            case toolCalls = "tool_calls"
            case toolCallID = "tool_call_id"
        }

        public init(role: String, content: String, name: String? = nil, toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
            self.role = role
            self.content = content
            self.name = name
            self.toolCalls = toolCalls
            self.toolCallID = toolCallID
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            content = try c.decodeIfPresent(MessageContent.self, forKey: .content)?.text ?? ""
            toolCalls = try c.decodeIfPresent([CallValue].self, forKey: .toolCalls)?.map(\.call) ?? []
            toolCallID = try c.decodeIfPresent(String.self, forKey: .toolCallID)
        }
    }

    /// `{"id", "type": "function", "function": {"name", "arguments"}}`.
    struct CallValue: Decodable {
        var call: ToolCall

        struct Function: Decodable {
            var name: String
            var arguments: String?
        }

        enum CodingKeys: String, CodingKey { case id, function }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let function = try c.decode(Function.self, forKey: .function)
            call = ToolCall(id: try c.decodeIfPresent(String.self, forKey: .id) ?? "", name: function.name, arguments: function.arguments ?? "{}")
        }
    }

    enum Keys: String, CodingKey {
        case messages, logprobs
        case topLogprobs = "top_logprobs"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        messages = try c.decode([Message].self, forKey: .messages)
        logprobs = try c.decodeIfPresent(Bool.self, forKey: .logprobs) ?? false
        topLogprobs = try c.decodeIfPresent(Int.self, forKey: .topLogprobs)
        fields = try GenerationFields(from: decoder)
        toolFields = try ToolFields(from: decoder)
    }
}

/// A message's `content`: a string, or a list of parts of which only `text` parts are supported.
struct MessageContent: Decodable {
    var text: String

    struct Part: Decodable {
        var type: String
        var text: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
            return
        }
        guard let parts = try? container.decode([Part].self) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a string or an array of content parts")
        }
        var joined = ""
        for part in parts {
            guard part.type == "text", let value = part.text else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "content parts of type '\(part.type)' are not supported (only 'text')")
            }
            joined += value
        }
        text = joined
    }
}

/// `POST /v1/completions`.
public struct CompletionRequest: Decodable, Sendable, Equatable {
    public var prompt: Prompt
    public var fields: GenerationFields
    /// Completions' `logprobs` is a count (nil: none).
    public var logprobs: Int?
    public var echo: Bool
    public var suffix: String?
    public var bestOf: Int?

    /// A text prompt or a prompt already tokenized.
    public enum Prompt: Sendable, Equatable {
        case text(String)
        case tokens([Int])
    }

    enum Keys: String, CodingKey {
        case prompt, logprobs, echo, suffix
        case bestOf = "best_of"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let text = try? c.decode(String.self, forKey: .prompt) {
            prompt = .text(text)
        } else if let tokens = try? c.decode([Int].self, forKey: .prompt) {
            prompt = .tokens(tokens)
        } else if let texts = try? c.decode([String].self, forKey: .prompt) {
            guard texts.count == 1 else {
                throw WireError("'prompt' holds \(texts.count) prompts; this server takes one prompt per request", param: "prompt")
            }
            prompt = .text(texts[0])
        } else if let batches = try? c.decode([[Int]].self, forKey: .prompt) {
            guard batches.count == 1 else {
                throw WireError("'prompt' holds \(batches.count) prompts; this server takes one prompt per request", param: "prompt")
            }
            prompt = .tokens(batches[0])
        } else if c.contains(.prompt) {
            throw WireError("invalid 'prompt': expected a string, a list of token ids, or a list of one of those", param: "prompt")
        } else {
            throw WireError("missing required field 'prompt'", param: "prompt")
        }
        logprobs = try c.decodeIfPresent(Int.self, forKey: .logprobs)
        echo = try c.decodeIfPresent(Bool.self, forKey: .echo) ?? false
        suffix = try c.decodeIfPresent(String.self, forKey: .suffix)
        bestOf = try c.decodeIfPresent(Int.self, forKey: .bestOf)
        fields = try GenerationFields(from: decoder)
    }
}

/// `POST /tokenize` (vLLM's): a text prompt, or chat messages rendered with the chat template.
public struct TokenizeRequest: Decodable, Sendable, Equatable {
    public var model: String?
    public var prompt: String?
    public var messages: [ChatCompletionRequest.Message]?
    public var addSpecialTokens: Bool
    public var addGenerationPrompt: Bool

    enum CodingKeys: String, CodingKey {
        case model, prompt, messages
        case addSpecialTokens = "add_special_tokens"
        case addGenerationPrompt = "add_generation_prompt"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        prompt = try c.decodeIfPresent(String.self, forKey: .prompt)
        messages = try c.decodeIfPresent([ChatCompletionRequest.Message].self, forKey: .messages)
        addSpecialTokens = try c.decodeIfPresent(Bool.self, forKey: .addSpecialTokens) ?? true
        addGenerationPrompt = try c.decodeIfPresent(Bool.self, forKey: .addGenerationPrompt) ?? true
        if prompt == nil && messages == nil { throw WireError("give 'prompt' or 'messages'", param: "prompt") }
    }
}

/// `POST /detokenize`.
public struct DetokenizeRequest: Decodable, Sendable, Equatable {
    public var model: String?
    public var tokens: [Int]
}
