/// Why a text is not JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public let reason: String
    /// Offset of the offending byte in the UTF-8 input.
    public let offset: Int

    /// One line with the offset and the reason.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
