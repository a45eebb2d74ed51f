/// Free-form values (`json_object`, `{}`, objects without `properties`, arrays without `items`):
/// one node per depth, shared within the program, so the program stays small.
extension JSONSchemaCompiler {
    /// Any JSON value at nesting `depth` (1: the outermost); containers only while
    /// `depth <= limits.maxDepth`.
    mutating func freeValue(depth: Int) -> NodeID {
        if let node = freeValues[depth] { return node }
        var alternatives = [
            freeString(),
            shared("number") { .number },
            shared("true|false|null") { .literalSet([Array("false".utf8), Array("null".utf8), Array("true".utf8)]) },
        ]
        if depth <= limits.maxDepth {
            alternatives.append(freeObject(depth: depth))
            alternatives.append(builder.add(.array(ArrayRule(item: freeValue(depth: depth + 1), minItems: 0, maxItems: limits.maxArrayItems))))
        }
        let node = builder.add(.choice(alternatives, nullable: false))
        freeValues[depth] = node
        return node
    }

    /// Any JSON object at nesting `depth` (its members' values one level deeper). Past
    /// `limits.maxDepth` only `{}`.
    mutating func freeObject(depth: Int) -> NodeID {
        if let node = freeObjects[depth] { return node }
        guard depth <= limits.maxDepth else { return shared("{}") { .literal(Array("{}".utf8)) } }
        let rule = MapRule(key: freeString(), value: freeValue(depth: depth + 1), maxMembers: limits.maxObjectMembers)
        let node = builder.add(.map(rule))
        freeObjects[depth] = node
        return node
    }

    private mutating func freeString() -> NodeID {
        let maxLength = limits.maxStringLength
        return shared("string") { .string(StringRule(minLength: 0, maxLength: maxLength)) }
    }
}
