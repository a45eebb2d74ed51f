/// Turns generated token ids into text one id at a time, for streaming.
///
/// Byte-level tokens often end in the middle of a UTF-8 character (an emoji is usually two or
/// three tokens). `append` returns only complete characters and holds back an unfinished
/// sequence until the next tokens complete it; bytes that can never become valid are emitted as
/// U+FFFD at once. After `finish`, the concatenation of everything returned equals
/// `tokenizer.decode(ids)` for the same ids.
public struct StreamingDecoder: Sendable {
    /// The tokenizer whose vocabulary the ids index.
    public let tokenizer: Tokenizer
    /// Whether control tokens (`<|im_end|>` ...) produce no text.
    public let skipSpecial: Bool
    private var pending: [UInt8] = []

    /// A decoder with nothing pending.
    public init(tokenizer: Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Whether bytes of an unfinished character are being held back.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// Adds one token and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) throws(TokenizerError) -> String {
        try tokenizer.appendBytes(of: id, skipSpecial: skipSpecial, to: &pending)
        return takeCompleteText()
    }

    /// Adds several tokens and returns the text that is now complete.
    public mutating func append(contentsOf ids: [Int32]) throws(TokenizerError) -> String {
        for id in ids { try tokenizer.appendBytes(of: id, skipSpecial: skipSpecial, to: &pending) }
        return takeCompleteText()
    }

    /// Ends the stream: returns whatever is held back, with U+FFFD for an unfinished character.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    private mutating func takeCompleteText() -> String {
        let cut = UTF8Boundary.incompleteTailStart(of: pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }
}
