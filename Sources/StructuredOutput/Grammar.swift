/// A compiled constraint on generated text: a JSON schema, any JSON object, literals, or
/// sequences and alternations of these.
///
/// Texts are compact: no whitespace between JSON tokens. A server builds, for example, a tool
/// call as `.sequence([.literal("<tool_call>"), try .jsonSchema(call), .literal("</tool_call>")])`
/// where `call` is `{"type":"object","properties":{"name":{"const":"calculator"},"arguments":…},
/// "required":["name","arguments"]}`, and several tools as `.choice` of such sequences.
public struct Grammar: Sendable {
    let program: GrammarProgram

    init(program: GrammarProgram) { self.program = program }

    /// Exactly `text` (its UTF-8 bytes). The empty text matches only the empty output.
    public static func literal(_ text: String) -> Grammar {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return empty }
        var builder = ProgramBuilder()
        let root = builder.add(.literal(bytes))
        return Grammar(program: builder.finish(root: root))
    }

    /// The grammar that matches only the empty text.
    public static var empty: Grammar { Grammar(program: GrammarProgram(nodes: [], root: nil)) }

    /// The parts one after the other.
    public static func sequence(_ parts: [Grammar]) -> Grammar {
        var builder = ProgramBuilder()
        let children = parts.compactMap { builder.include($0.program) }
        guard let first = children.first else { return empty }
        let root = children.count == 1 ? first : builder.add(.sequence(children))
        return Grammar(program: builder.finish(root: root))
    }

    /// Any one of the alternatives (an empty list matches only the empty text). Alternatives may
    /// share prefixes: the matcher follows all of them until the bytes tell them apart.
    public static func choice(_ alternatives: [Grammar]) -> Grammar {
        guard !alternatives.isEmpty else { return empty }
        var builder = ProgramBuilder()
        var children: [NodeID] = []
        var nullable = false
        for alternative in alternatives {
            if let root = builder.include(alternative.program) { children.append(root) } else { nullable = true }
        }
        guard !children.isEmpty else { return empty }
        if children.count == 1, !nullable { return alternatives[0] }
        let root = builder.add(.choice(children, nullable: nullable))
        return Grammar(program: builder.finish(root: root))
    }

    /// Any JSON object (`response_format: {"type": "json_object"}`), within `limits`: nesting,
    /// members per object, items per array, string length; numbers per `GrammarLimits`.
    public static func anyJSONObject(limits: GrammarLimits = .standard) -> Grammar {
        var compiler = JSONSchemaCompiler(limits: limits)
        let root = compiler.freeObject(depth: 1)
        return Grammar(program: compiler.builder.finish(root: root))
    }

    /// Any JSON value within `limits` (see `anyJSONObject`).
    public static func anyJSONValue(limits: GrammarLimits = .standard) -> Grammar {
        var compiler = JSONSchemaCompiler(limits: limits)
        let root = compiler.freeValue(depth: 1)
        return Grammar(program: compiler.builder.finish(root: root))
    }

    /// The compact JSON texts valid against `schema` (see `JSONSchemaCompiler` for the subset).
    public static func jsonSchema(_ schema: JSONValue, limits: GrammarLimits = .standard) throws(JSONSchemaError) -> Grammar {
        var compiler = JSONSchemaCompiler(limits: limits)
        let root = try compiler.compile(schema, path: SchemaPath())
        return Grammar(program: compiler.builder.finish(root: root))
    }

    /// Number of compiled nodes (for diagnostics and tests).
    public var nodeCount: Int { program.nodes.count }
}
