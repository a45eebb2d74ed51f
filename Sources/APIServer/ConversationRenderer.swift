import OpenAIProtocol
import ServingCore
import Synchronization
import Tokenization

/// A tool offered to the model in one request.
struct OfferedTool: Sendable, Equatable {
    var name: String
    var description: String
    /// The arguments' JSON-Schema, compact JSON text.
    var parameters: String
    /// Run by the server (declared in its configuration), not by the client.
    var serverSide: Bool
}

/// Renders a conversation into prompt tokens, message by message in the model's ChatML template.
///
/// Tools are described in the system turn; an assistant message's calls are rendered as
/// `<tool_call>{"name":…,"arguments":…}</tool_call>` with the arguments exactly as the client sent
/// them back; tool results are `tool` turns. An assistant message this server generated is rendered
/// with the very token ids it generated (`GenerationCache`), not re-tokenized: BPE need not
/// reproduce a sampled segmentation, and a single different token would make the follow-up's
/// prompt diverge from the context still held in the engine. Encoding message by message equals
/// encoding the whole text: special tokens split the text before BPE, so nothing merges across them.
struct ConversationRenderer: Sendable {
    let model: ServedModel
    let cache: GenerationCache

    static func toolsText(_ tools: [OfferedTool]) -> String {
        var lines = [
            "You can call these tools. Each is given as a JSON object with its name, what it does, and the JSON schema of its arguments:",
            "<tools>",
        ]
        for tool in tools {
            var json = JSONWriter()
            json.object { json in
                json.field("name", tool.name)
                json.field("description", tool.description)
                json.rawField("parameters", tool.parameters)
            }
            lines.append(json.text)
        }
        lines.append("</tools>")
        lines.append("To call a tool, reply with <tool_call>{\"name\":\"TOOL_NAME\",\"arguments\":{...}}</tool_call> and nothing after it. The tool's answer comes back in the next message; then answer the user with it.")
        return lines.joined(separator: "\n")
    }

    /// The text a call is written as, in the model's output and when a conversation is rendered.
    static func callText(name: String, arguments: String) -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("name", name)
            json.rawField("arguments", arguments.isEmpty ? "{}" : arguments)
        }
        return ToolCallParser.open + json.text + ToolCallParser.close
    }

    /// The text of an assistant message as the model would have written it.
    static func assistantText(_ message: ChatCompletionRequest.Message) -> String {
        message.content + message.toolCalls.map { callText(name: $0.name, arguments: $0.arguments) }.joined()
    }

    func tokens(_ messages: [ChatCompletionRequest.Message], tools: [OfferedTool]) throws(APIError) -> [TokenID] {
        guard !messages.isEmpty else { throw .badRequest("'messages' must not be empty", param: "messages") }
        var turns: [(role: ChatRole, text: String, generated: [TokenID]?)] = []
        for (index, message) in messages.enumerated() {
            let role = try Self.role(message.role, index: index)
            let text = role == .assistant ? Self.assistantText(message) : message.content
            turns.append((role, text, role == .assistant ? cache.tokens(for: text) : nil))
        }
        if !tools.isEmpty {
            let block = Self.toolsText(tools)
            if let first = turns.first, first.role == .system {
                turns[0].text = first.text + "\n\n" + block
            } else {
                let base = model.template.defaultSystemPrompt.map { $0 + "\n\n" } ?? ""
                turns.insert((.system, base + block, nil), at: 0)
            }
        } else if let first = turns.first, first.role != .system, let defaultPrompt = model.template.defaultSystemPrompt {
            turns.insert((.system, defaultPrompt, nil), at: 0)
        }
        var ids: [TokenID] = []
        let tokenizer = model.tokenizer
        for turn in turns {
            ids += tokenizer.encode("<|im_start|>\(turn.role)\n", parseSpecial: true)
            ids += turn.generated ?? tokenizer.encode(turn.text, parseSpecial: true)
            ids += tokenizer.encode("<|im_end|>\n", parseSpecial: true)
        }
        ids += tokenizer.encode("<|im_start|>assistant\n", parseSpecial: true)
        return ids
    }

    static func role(_ name: String, index: Int) throws(APIError) -> ChatRole {
        switch name {
        case "system", "developer": return .system
        case "user": return .user
        case "assistant": return .assistant
        case "tool": return .tool
        default:
            throw .badRequest(
                "invalid 'messages[\(index)].role' '\(name.prefix(40))': expected system, developer, user, assistant or tool",
                param: "messages[\(index)].role")
        }
    }
}

/// The token ids of assistant messages this server generated, by their text (bounded, least
/// recently stored dropped first), so that a conversation sent back re-renders token for token.
final class GenerationCache: Sendable {
    private struct State {
        var entries: [String: [TokenID]] = [:]
        var order: [String] = []
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func tokens(for text: String) -> [TokenID]? { state.withLock { $0.entries[text] } }

    func store(_ tokens: [TokenID], for text: String) {
        guard !text.isEmpty, !tokens.isEmpty else { return }
        state.withLock { state in
            if state.entries.updateValue(tokens, forKey: text) == nil { state.order.append(text) }
            if state.order.count > capacity {
                let drop = state.order.count - capacity
                for key in state.order.prefix(drop) { state.entries[key] = nil }
                state.order.removeFirst(drop)
            }
        }
    }
}
