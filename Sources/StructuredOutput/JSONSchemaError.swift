/// Why a JSON schema cannot be compiled. Every case names the place in the schema (`path`:
/// `properties.name.items`, `anyOf[1]`, or `(root)`).
public enum JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A keyword outside the supported subset (`pattern`, `$ref`, `oneOf` ...).
    case unsupportedKeyword(String, path: String)
    /// A supported keyword with a value of the wrong shape or range.
    case invalidValue(keyword: String, path: String, reason: String)
    /// A schema that is not a JSON object (`true`, a string ...).
    case notAnObject(path: String, found: String)
    /// `required` names a property that `properties` does not declare.
    case unknownRequiredProperty(String, path: String)
    /// The constraints admit no value (or none within the supported subset).
    case unsatisfiable(path: String, reason: String)
    /// Schemas nested deeper than `JSONSchemaCompiler.maxNesting`.
    case nestedTooDeeply(path: String)

    /// One line naming the keyword or problem and the path, e.g.
    /// `unsupported JSON-Schema keyword 'pattern' at properties.name`.
    public var description: String {
        switch self {
        case .unsupportedKeyword(let keyword, let path):
            "unsupported JSON-Schema keyword '\(keyword)' at \(path)"
        case .invalidValue(let keyword, let path, let reason):
            "invalid JSON-Schema keyword '\(keyword)' at \(path): \(reason)"
        case .notAnObject(let path, let found):
            "JSON schema at \(path) must be an object, found \(found)"
        case .unknownRequiredProperty(let name, let path):
            "JSON-Schema keyword 'required' at \(path) names '\(name)', which is not in 'properties'"
        case .unsatisfiable(let path, let reason):
            "JSON schema at \(path) admits no value: \(reason)"
        case .nestedTooDeeply(let path):
            "JSON schema nested too deeply at \(path)"
        }
    }
}

/// Where a subschema sits inside the schema being compiled.
struct SchemaPath: CustomStringConvertible {
    private(set) var components: [String] = []

    var depth: Int { components.count }

    func appending(_ component: String) -> SchemaPath {
        var path = self
        path.components.append(component)
        return path
    }

    var description: String { components.isEmpty ? "(root)" : components.joined(separator: ".") }
}
