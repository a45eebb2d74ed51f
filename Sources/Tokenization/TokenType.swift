/// The kind of a vocabulary entry, as GGUF's `tokenizer.ggml.token_type` stores it (llama.cpp's
/// numbering).
public enum TokenType: Int32, Sendable, CaseIterable {
    case undefined = 0
    /// Ordinary text, stored in byte-level form.
    case normal = 1
    case unknown = 2
    /// A control token such as `<|im_start|>`: matched in text only when parsing specials.
    case control = 3
    /// An added token that is always matched in text, stored as plain text.
    case userDefined = 4
    case unused = 5
    case byte = 6

    /// Whether the token's string is literal text rather than GPT-2 byte-level characters.
    var isLiteralText: Bool { self == .control || self == .userDefined || self == .unknown }
}
