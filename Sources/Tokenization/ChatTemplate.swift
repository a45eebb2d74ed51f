/// Renders a conversation into the prompt text a chat model was trained on.
///
/// ChatML, as SmolLM2's `tokenizer.chat_template` writes it: each message is
/// `<|im_start|>{role}\n{content}<|im_end|>\n`; when the first message is not a system message,
/// a system message with `defaultSystemPrompt` comes first; the generation prompt is
/// `<|im_start|>assistant\n`. Encode the result with `parseSpecial: true`.
public struct ChatTemplate: Sendable, Equatable {
    /// The system prompt inserted when a (non-empty) conversation does not start with one; nil
    /// inserts nothing.
    public var defaultSystemPrompt: String?

    /// ChatML with the given default system prompt.
    public static func chatML(defaultSystemPrompt: String?) -> ChatTemplate {
        ChatTemplate(defaultSystemPrompt: defaultSystemPrompt)
    }

    /// SmolLM2's default system prompt.
    public static let smolLMSystemPrompt = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

    /// SmolLM2-Instruct's template: ChatML with `smolLMSystemPrompt` as the default.
    public static let chatML = ChatTemplate(defaultSystemPrompt: smolLMSystemPrompt)

    /// The prompt text for `messages`, ending with the assistant's turn opener when
    /// `addGenerationPrompt` is true.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var text = ""
        if let first = messages.first, first.role != .system, let defaultSystemPrompt {
            append(ChatMessage(role: .system, content: defaultSystemPrompt), to: &text)
        }
        for message in messages { append(message, to: &text) }
        if addGenerationPrompt { text += "<|im_start|>\(ChatRole.assistant)\n" }
        return text
    }

    private func append(_ message: ChatMessage, to text: inout String) {
        text += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n"
    }

    /// The template a GGUF file's `tokenizer.chat_template` (Jinja source) describes, when it is
    /// ChatML; the default system prompt is taken from the source when it inserts one. Nil for
    /// other formats.
    public init?(ggufTemplateSource source: String) {
        guard source.contains("<|im_start|>"), source.contains("<|im_end|>") else { return nil }
        guard source.contains("!= 'system'") || source.contains("!= \"system\"") else {
            self.init(defaultSystemPrompt: nil)
            return
        }
        // The Jinja literal may hold a real newline or the escape sequence `\n`.
        for marker in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            guard let start = source.firstRange(of: marker)?.upperBound,
                  let end = source[start...].firstRange(of: "<|im_end|>")?.lowerBound
            else { continue }
            self.init(defaultSystemPrompt: String(source[start ..< end]))
            return
        }
        self.init(defaultSystemPrompt: nil)
    }

    /// A template with the given default system prompt.
    public init(defaultSystemPrompt: String?) {
        self.defaultSystemPrompt = defaultSystemPrompt
    }
}
