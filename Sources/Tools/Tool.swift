/// A tool the server runs when the model calls it.
public protocol Tool: Sendable {
    /// The function name the model calls.
    var name: String { get }
    /// What it does, shown to the model.
    var description: String { get }
    /// JSON-Schema of its arguments, as JSON text (an object schema).
    var parametersSchema: String { get }
    /// Runs the tool on `arguments` (a JSON object as text) and returns its result as text.
    func call(arguments: String) async throws(ToolError) -> String
}

/// Why a tool call failed. The message is what the model (or the client) is told.
public enum ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidArguments(String)
    case failed(String)
    case timedOut(Duration)
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidArguments(let detail): "invalid arguments: \(detail)"
        case .failed(let detail): detail
        case .timedOut(let limit): "the tool did not answer within \(limit)"
        case .unavailable(let detail): "the tool is unavailable: \(detail)"
        }
    }
}
