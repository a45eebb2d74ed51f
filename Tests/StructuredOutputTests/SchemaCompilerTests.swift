import StructuredOutput
import Testing

@Suite struct SchemaCompilerTests {
    static func compileError(_ text: String) -> JSONSchemaError? {
        do {
            _ = try Grammar.jsonSchema(try JSONValue(parsing: text))
            return nil
        } catch let error as JSONSchemaError {
            return error
        } catch {
            return nil
        }
    }

    @Test("unsupported keywords name the keyword and the path", arguments: [
        (#"{"type":"object","properties":{"name":{"type":"string","pattern":"^a"}}}"#,
         "unsupported JSON-Schema keyword 'pattern' at properties.name"),
        (#"{"type":"string","format":"date"}"#, "unsupported JSON-Schema keyword 'format' at (root)"),
        (##"{"$ref":"#/defs/a"}"##, "unsupported JSON-Schema keyword '$ref' at (root)"),
        (#"{"oneOf":[{"type":"string"}]}"#, "unsupported JSON-Schema keyword 'oneOf' at (root)"),
        (#"{"type":"array","items":{"allOf":[]}}"#, "unsupported JSON-Schema keyword 'allOf' at items"),
        (#"{"anyOf":[{"type":"null"},{"not":{}}]}"#, "unsupported JSON-Schema keyword 'not' at anyOf[1]"),
        (#"{"type":"object","patternProperties":{}}"#, "unsupported JSON-Schema keyword 'patternProperties' at (root)"),
        (#"{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","properties":{"b":{"uniqueItems":true}}}}}}"#,
         "unsupported JSON-Schema keyword 'uniqueItems' at properties.a.items.properties.b"),
    ])
    func unsupportedKeyword(_ schema: String, _ message: String) {
        #expect(Self.compileError(schema)?.description == message)
    }

    @Test("bad shapes are errors", arguments: [
        ("true", "JSON schema at (root) must be an object, found boolean"),
        (#"{"type":"object","properties":{"a":"string"}}"#, "JSON schema at properties.a must be an object, found string"),
        (#"{"type":"object","properties":{"a":{}},"required":["a","b"]}"#,
         "JSON-Schema keyword 'required' at (root) names 'b', which is not in 'properties'"),
        (#"{"type":"object","required":["x"]}"#, "JSON-Schema keyword 'required' at (root) names 'x', which is not in 'properties'"),
        (#"{"type":"array","minItems":3,"maxItems":2}"#, "JSON schema at (root) admits no value: minItems 3 > maxItems 2"),
        (#"{"type":"string","minLength":5,"maxLength":4}"#, "JSON schema at (root) admits no value: minLength 5 > maxLength 4"),
        (#"{"enum":[]}"#, "invalid JSON-Schema keyword 'enum' at (root): must be a non-empty array"),
        (#"{"anyOf":[]}"#, "invalid JSON-Schema keyword 'anyOf' at (root): must be a non-empty array of schemas"),
        (#"{"type":"strin"}"#, #"invalid JSON-Schema keyword 'type' at (root): unknown type "strin""#),
        (#"{"type":"array","minItems":-1}"#, "invalid JSON-Schema keyword 'minItems' at (root): must be a non-negative integer, found -1"),
        (#"{"type":"array","items":[{"type":"string"}]}"#, "invalid JSON-Schema keyword 'items' at (root): the list (tuple) form is not supported"),
        (#"{"type":"object","additionalProperties":{"type":"string"}}"#,
         "invalid JSON-Schema keyword 'additionalProperties' at (root): only true or false is supported"),
        (#"{"type":"integer","minimum":5,"maximum":4}"#, "JSON schema at (root) admits no value: no integer in range within ±999999999999999"),
        (#"{"type":"integer","exclusiveMinimum":true}"#, "invalid JSON-Schema keyword 'exclusiveMinimum' at (root): must be a number, found true"),
        (#"{"type":"string","enum":[1,2]}"#, "JSON schema at (root) admits no value: no 'enum'/'const' value satisfies the other keywords"),
        (#"{"type":"string","anyOf":[{"maxLength":3}]}"#,
         "invalid JSON-Schema keyword 'anyOf' at (root): cannot be combined with 'type' (move it into each alternative)"),
    ])
    func badShapes(_ schema: String, _ message: String) {
        #expect(Self.compileError(schema)?.description == message)
    }

    @Test func deepNestingIsRefused() throws {
        var schema: JSONValue = ["type": "string"]
        for _ in 0 ..< 70 { schema = ["type": "array", "items": schema] }
        #expect(throws: JSONSchemaError.self) { try Grammar.jsonSchema(schema) }
    }

    @Test("the supported subset compiles, annotations are ignored")
    func supportedSubset() throws {
        for testCase in TestSchemas.all { _ = try Grammar.jsonSchema(TestSchemas.schema(testCase)) }
        let annotated = try JSONValue(parsing: #"""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"d","type":"object",
             "properties":{"a":{"type":"string","examples":["x"],"default":"y","title":"A"}},"required":["a"]}
            """#)
        _ = try Grammar.jsonSchema(annotated)
    }

    @Test("limits are validated once")
    func limits() {
        #expect(throws: GrammarLimitsError.self) { try GrammarLimits(maxDepth: 0) }
        do {
            _ = try GrammarLimits(maxStringLength: -1)
            Issue.record("no error for maxStringLength -1")
        } catch {
            #expect(error.description == "invalid grammar limit maxStringLength -1: out of range")
        }
        #expect(GrammarLimits.standard.maxStringLength == 256)
    }
}
