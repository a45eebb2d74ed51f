/// Compiles the supported JSON-Schema subset into grammar nodes.
///
/// Supported: `type` (one name or a list), `enum`, `const`, `anyOf`; for objects `properties`,
/// `required`, `additionalProperties` (`false`, `true` or absent: only declared properties are
/// generated); for arrays `items`, `minItems`, `maxItems`; for strings `minLength`, `maxLength`;
/// for integers and numbers `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numeric
/// form). Annotations (`title`, `description`, `$schema`, `examples`, `default` ...) are ignored;
/// any other keyword is a `JSONSchemaError.unsupportedKeyword` naming it and its path.
///
/// What is generated, always a subset of what the schema accepts:
/// - compact JSON, no whitespace; properties in declared order; required ones always, optional
///   ones may be present or skipped;
/// - an object without `properties` is any object (free-form, as `json_object`), unless
///   `additionalProperties` is false (then only `{}`); a schema without `type` and without
///   type-specific keywords (`{}`) is any JSON value; with such keywords, the types they apply to;
/// - `enum`/`const` values that also satisfy the sibling keywords, as their compact text;
/// - a bounded `number` is an integer in bounds, optionally with a fraction when every fraction
///   keeps it in bounds (no exponent); an unbounded one may have a fraction and an exponent;
/// - the caps of `GrammarLimits` where the schema gives no bound.
struct JSONSchemaCompiler {
    /// Subschemas nested deeper than this are refused (the compiler recurses per level).
    static let maxNesting = 64

    static let annotations: Set<String> = [
        "title", "description", "$schema", "examples", "default", "$id", "$comment", "deprecated", "readOnly", "writeOnly",
    ]
    static let keywords: Set<String> = [
        "type", "enum", "const", "anyOf", "properties", "required", "additionalProperties", "items", "minItems",
        "maxItems", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    ]
    /// Keywords by the type they constrain, to infer the types of a schema without `type`.
    static let keywordsByType: [(type: String, keywords: Set<String>)] = [
        ("object", ["properties", "required", "additionalProperties"]),
        ("array", ["items", "minItems", "maxItems"]),
        ("string", ["minLength", "maxLength"]),
        ("number", ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
    ]
    static let typeNames: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    let limits: GrammarLimits
    var builder = ProgramBuilder()
    var freeValues: [Int: NodeID] = [:]
    var freeObjects: [Int: NodeID] = [:]
    var sharedNodes: [String: NodeID] = [:]

    init(limits: GrammarLimits) { self.limits = limits }

    /// The node for `schema`; `containerDepth` counts the arrays and objects around it.
    mutating func compile(_ schema: JSONValue, path: SchemaPath, containerDepth: Int = 0) throws(JSONSchemaError) -> NodeID {
        guard case .object(let object) = schema else { throw .notAnObject(path: path.description, found: schema.typeName) }
        guard path.depth <= Self.maxNesting else { throw .nestedTooDeeply(path: path.description) }
        for key in object.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            throw .unsupportedKeyword(key, path: path.description)
        }
        let constraints = object.keys.filter { Self.keywords.contains($0) }
        if let alternatives = object["anyOf"] {
            if let other = constraints.first(where: { $0 != "anyOf" }) {
                throw .invalidValue(keyword: "anyOf", path: path.description, reason: "cannot be combined with '\(other)' (move it into each alternative)")
            }
            return try compileAnyOf(alternatives, path: path, containerDepth: containerDepth)
        }
        if object["enum"] != nil || object["const"] != nil {
            return try compileEnumeration(object, path: path)
        }
        let types = try typeNames(of: object, path: path)
        guard !types.isEmpty else { return freeValue(depth: containerDepth + 1) }
        var nodes: [NodeID] = []
        for type in types {
            nodes.append(try compileTyped(type, object, path: path, containerDepth: containerDepth))
        }
        return nodes.count == 1 ? nodes[0] : builder.add(.choice(nodes, nullable: false))
    }

    private mutating func compileAnyOf(_ value: JSONValue, path: SchemaPath, containerDepth: Int) throws(JSONSchemaError) -> NodeID {
        guard case .array(let schemas) = value, !schemas.isEmpty else {
            throw .invalidValue(keyword: "anyOf", path: path.description, reason: "must be a non-empty array of schemas")
        }
        var alternatives: [NodeID] = []
        for (index, schema) in schemas.enumerated() {
            alternatives.append(try compile(schema, path: path.appending("anyOf[\(index)]"), containerDepth: containerDepth))
        }
        return alternatives.count == 1 ? alternatives[0] : builder.add(.choice(alternatives, nullable: false))
    }

    /// The `type` names in order (deduplicated), or those inferred from type-specific keywords;
    /// empty when the schema constrains no type.
    private func typeNames(of object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> [String] {
        guard let type = object["type"] else {
            return Self.keywordsByType.filter { !$0.keywords.isDisjoint(with: object.keys) }.map(\.type)
        }
        let names: [JSONValue]
        switch type {
        case .string: names = [type]
        case .array(let items) where !items.isEmpty: names = items
        default: throw .invalidValue(keyword: "type", path: path.description, reason: "must be a type name or a non-empty list of them")
        }
        var result: [String] = []
        for name in names {
            guard let text = name.stringValue, Self.typeNames.contains(text) else {
                throw .invalidValue(keyword: "type", path: path.description, reason: "unknown type \(name.jsonText)")
            }
            if !result.contains(text) { result.append(text) }
        }
        return result
    }

    private mutating func compileTyped(_ type: String, _ object: JSONObject, path: SchemaPath, containerDepth: Int) throws(JSONSchemaError) -> NodeID {
        switch type {
        case "null": return shared("null") { .literal(Array("null".utf8)) }
        case "boolean": return shared("boolean") { .literalSet([Array("false".utf8), Array("true".utf8)]) }
        case "string": return try compileString(object, path: path)
        case "integer": return try compileInteger(object, path: path)
        case "number": return try compileNumber(object, path: path)
        case "array": return try compileArray(object, path: path, containerDepth: containerDepth)
        default: return try compileObject(object, path: path, containerDepth: containerDepth)
        }
    }

    /// One node per `key` in this program (`null`, booleans, free strings and numbers).
    mutating func shared(_ key: String, _ make: () -> GrammarNode) -> NodeID {
        if let node = sharedNodes[key] { return node }
        let node = builder.add(make())
        sharedNodes[key] = node
        return node
    }
}
