import Foundation

/// A request body the server cannot accept, with the field it concerns (OpenAI's `param`).
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var param: String?

    public init(_ message: String, param: String? = nil) {
        self.message = message
        self.param = param
    }

    public var description: String { message }

    /// Decodes `type` from a JSON body; any failure becomes a `WireError` naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(WireError) -> T {
        guard !body.isEmpty else { throw WireError("the request body is empty; expected a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as WireError {
            throw error
        } catch let error as DecodingError {
            throw WireError(decodingError: error)
        } catch {
            throw WireError("the request body is not valid JSON: \(error)")
        }
    }

    /// A decoding failure described by the path of the field that failed.
    init(decodingError error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            let path = Self.path(context.codingPath)
            self.init(path.isEmpty ? "the request body must be a JSON object" : "invalid '\(path)': expected \(Self.name(of: type))", param: path)
        case .valueNotFound(let type, let context):
            let path = Self.path(context.codingPath)
            self.init(path.isEmpty ? "the request body must be a JSON object, not null" : "invalid '\(path)': expected \(Self.name(of: type)), got null", param: path.isEmpty ? nil : path)
        case .keyNotFound(let key, let context):
            let path = Self.path(context.codingPath + [key])
            self.init("missing required field '\(path)'", param: path)
        case .dataCorrupted(let context):
            let path = Self.path(context.codingPath)
            if let wire = context.underlyingError as? WireError {
                self = wire
            } else if path.isEmpty {
                self.init("the request body is not valid JSON: \(context.debugDescription)")
            } else {
                self.init("invalid '\(path)': \(context.debugDescription)", param: path)
            }
        @unknown default:
            self.init("the request body could not be decoded")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            if "\(type)".hasPrefix("Array") { "an array" } else if "\(type)".hasPrefix("Dictionary") { "an object" } else { "a valid value" }
        }
    }
}
