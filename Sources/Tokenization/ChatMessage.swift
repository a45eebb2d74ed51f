/// Who wrote a chat message: `system`, `user`, `assistant`, `tool`, or any other role name a
/// template accepts.
public struct ChatRole: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The role name as it appears in the rendered prompt.
    public let rawValue: String
    /// A role with the given name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A role from a literal, e.g. `let role: ChatRole = "user"`.
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    /// Instructions that frame the conversation.
    public static let system: ChatRole = "system"
    /// The person talking to the model.
    public static let user: ChatRole = "user"
    /// The model.
    public static let assistant: ChatRole = "assistant"
    /// The output of a tool call.
    public static let tool: ChatRole = "tool"
}

/// One message of a conversation.
public struct ChatMessage: Hashable, Sendable {
    /// Who wrote it.
    public var role: ChatRole
    /// Its text, inserted verbatim.
    public var content: String

    /// A message from `role` with text `content`.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}
