/// Strings, numbers, arrays, objects and enumerations.
extension JSONSchemaCompiler {
    mutating func compileString(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> NodeID {
        let minimum = try count(object, "minLength", path) ?? 0
        let maximum = try count(object, "maxLength", path) ?? max(limits.maxStringLength, minimum)
        guard minimum <= maximum else {
            throw .unsatisfiable(path: path.description, reason: "minLength \(minimum) > maxLength \(maximum)")
        }
        return builder.add(.string(StringRule(minLength: minimum, maxLength: maximum)))
    }

    mutating func compileInteger(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> NodeID {
        let bounds = try NumericBounds(object, path: path)
        guard bounds.isBounded else { return builder.add(.integer(.unbounded)) }
        return builder.add(.integer(try bounds.integerRule(path: path, allowsFraction: false)))
    }

    mutating func compileNumber(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> NodeID {
        let bounds = try NumericBounds(object, path: path)
        guard bounds.isBounded else { return shared("number") { .number } }
        return builder.add(.integer(try bounds.integerRule(path: path, allowsFraction: true)))
    }

    mutating func compileArray(_ object: JSONObject, path: SchemaPath, containerDepth: Int) throws(JSONSchemaError) -> NodeID {
        let minimum = try count(object, "minItems", path) ?? 0
        let maximum = try count(object, "maxItems", path) ?? max(limits.maxArrayItems, minimum)
        guard minimum <= maximum else {
            throw .unsatisfiable(path: path.description, reason: "minItems \(minimum) > maxItems \(maximum)")
        }
        let item: NodeID
        switch object["items"] {
        case nil: item = freeValue(depth: containerDepth + 2)
        case .array?: throw .invalidValue(keyword: "items", path: path.description, reason: "the list (tuple) form is not supported")
        case let schema?: item = try compile(schema, path: path.appending("items"), containerDepth: containerDepth + 1)
        }
        return builder.add(.array(ArrayRule(item: item, minItems: minimum, maxItems: maximum)))
    }

    mutating func compileObject(_ object: JSONObject, path: SchemaPath, containerDepth: Int) throws(JSONSchemaError) -> NodeID {
        let closed = try additionalPropertiesForbidden(object, path: path)
        let required = try requiredNames(object, path: path)
        guard let declared = object["properties"] else {
            if let name = required.first { throw .unknownRequiredProperty(name, path: path.description) }
            return closed ? shared("{}") { .literal(Array("{}".utf8)) } : freeObject(depth: containerDepth + 1)
        }
        guard case .object(let properties) = declared else {
            throw .invalidValue(keyword: "properties", path: path.description, reason: "must be an object of schemas")
        }
        if let name = required.first(where: { properties[$0] == nil }) {
            throw .unknownRequiredProperty(name, path: path.description)
        }
        var keys: [[UInt8]] = [], values: [NodeID] = [], flags: [Bool] = []
        for (name, schema) in properties.members {
            guard !keys.contains(Self.keyBytes(name)) else {
                throw .invalidValue(keyword: "properties", path: path.description, reason: "'\(name)' is declared twice")
            }
            let propertyPath = path.appending("properties").appending(name)
            values.append(try compile(schema, path: propertyPath, containerDepth: containerDepth + 1))
            keys.append(Self.keyBytes(name))
            flags.append(required.contains(name))
        }
        guard !keys.isEmpty else { return shared("{}") { .literal(Array("{}".utf8)) } }
        return builder.add(.object(ObjectRule(keys: keys, values: values, required: flags)))
    }

    /// `enum` and `const`: the values (that also satisfy the sibling keywords) as literals.
    mutating func compileEnumeration(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> NodeID {
        var values: [JSONValue]
        if let constant = object["const"] {
            values = [constant]
        } else if case .array(let items)? = object["enum"], !items.isEmpty {
            values = items
        } else {
            throw .invalidValue(keyword: "enum", path: path.description, reason: "must be a non-empty array")
        }
        if object["const"] != nil, let listed = object["enum"] {
            guard case .array(let items) = listed else {
                throw .invalidValue(keyword: "enum", path: path.description, reason: "must be a non-empty array")
            }
            values = values.filter { items.contains($0) }
        }
        let texts = try satisfyingTexts(values, object, path: path)
        guard !texts.isEmpty else {
            throw .unsatisfiable(path: path.description, reason: "no 'enum'/'const' value satisfies the other keywords")
        }
        return builder.add(.literalSet(texts))
    }

    /// The values' compact texts, sorted and distinct, keeping those the sibling keywords accept
    /// (checked by matching each text against the siblings compiled on their own, with caps
    /// lifted so that only the schema's own bounds apply).
    private func satisfyingTexts(_ values: [JSONValue], _ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> [[UInt8]] {
        var texts = Set(values.map { value -> [UInt8] in
            var bytes: [UInt8] = []
            value.appendJSONText(to: &bytes)
            return bytes
        })
        let siblings = JSONObject(object.members.filter { $0.key != "enum" && $0.key != "const" }.map { ($0.key, $0.value) })
        if siblings.keys.contains(where: { Self.keywords.contains($0) }) {
            var checker = JSONSchemaCompiler(limits: Self.liftedLimits)
            let root = try checker.compile(.object(siblings), path: path)
            let grammar = Grammar(program: checker.builder.finish(root: root))
            texts = texts.filter { text in
                var matcher = GrammarMatcher(grammar)
                return matcher.advance(bytes: text) && matcher.canFinish
            }
        }
        return texts.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private static let liftedLimits = (try? GrammarLimits(
        maxStringLength: GrammarLimits.maxExplicitBound, maxArrayItems: GrammarLimits.maxExplicitBound,
        maxObjectMembers: GrammarLimits.maxExplicitBound, maxDepth: 64)) ?? .standard

    /// A property's `"name":` bytes.
    static func keyBytes(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONValue.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        return bytes
    }
}
