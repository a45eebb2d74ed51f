import StructuredOutput
import Testing

/// Hand-written texts: accepted exactly when they are valid compact JSON for the grammar, and
/// rejected at the first byte that cannot lead to a valid text.
@Suite struct GrammarMatcherTests {
    /// The offset of the first rejected byte, or nil when every byte is accepted.
    static func rejection(_ grammar: Grammar, _ bytes: [UInt8]) -> Int? {
        var matcher = GrammarMatcher(grammar)
        for (offset, byte) in bytes.enumerated() where !matcher.advance(byte: byte) { return offset }
        return nil
    }

    static func accepts(_ grammar: Grammar, _ text: String) -> Bool {
        var matcher = GrammarMatcher(grammar)
        return matcher.advance(text: text) && matcher.canFinish
    }

    /// `advance` for use inside `#expect` (which cannot call a mutating method on a variable).
    static func feed(_ matcher: inout GrammarMatcher, _ bytes: [UInt8]) -> Bool { matcher.advance(bytes: bytes) }

    static func feed(_ matcher: inout GrammarMatcher, _ text: String) -> Bool { matcher.advance(text: text) }

    static func schema(_ text: String, limits: GrammarLimits = .standard) throws -> Grammar {
        try Grammar.jsonSchema(try JSONValue(parsing: text), limits: limits)
    }

    static let person = #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}"#

    @Test("objects: declared order, required members, compact only", arguments: [
        (#"{"name":"Bob","age":3}"#, nil), (#"{"age":3,"name":"x"}"#, 2), (#"{ "name""#, 1), (#"{"name":"Bob"}"#, 13),
        (#"{"name":"Bob","age":03}"#, 21), (#"{"name":"Bob","age":-0}"#, 21), (#"{"name":"Bob","age":1.5}"#, 21),
        (#"{"name":"Bob","age":3} "#, 22), (#"{"name":"Bob","nick":3}"#, 15), (#"{"name":"Bob","age":3,"#, 21),
    ] as [(String, Int?)])
    func objects(_ text: String, _ offset: Int?) throws {
        #expect(Self.rejection(try Self.schema(Self.person), Array(text.utf8)) == offset)
    }

    @Test("optional properties may be skipped but keep their order")
    func optionalProperties() throws {
        let grammar = try Self.schema(#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"type":"boolean"},"d":{"type":"null"}},"required":["a","d"]}"#)
        #expect(Self.accepts(grammar, #"{"a":"x","c":true,"d":null}"#))
        #expect(Self.accepts(grammar, #"{"a":"x","b":-1.5e3,"c":false,"d":null}"#))
        #expect(Self.rejection(grammar, Array(#"{"a":"x","d":null,"b":1}"#.utf8)) == 17)
        #expect(Self.rejection(grammar, Array(#"{"a":"x","c":true,"b":1"#.utf8)) == 19)
        #expect(Self.rejection(grammar, Array(#"{"a":"x"}"#.utf8)) == 8)
    }

    @Test("property names are matched in their escaped form")
    func escapedPropertyNames() throws {
        let grammar = try Self.schema(#"{"type":"object","properties":{"quo\"te":{"type":"null"},"é/\n":{"type":"null"}},"required":["é/\n"]}"#)
        #expect(Self.accepts(grammar, #"{"quo\"te":null,"é/\n":null}"#))
        #expect(Self.accepts(grammar, #"{"é/\n":null}"#))
        #expect(Self.rejection(grammar, Array(#"{"quo"te""#.utf8)) == 5)
    }

    @Test("string escapes and raw UTF-8", arguments: [
        (Array(#""a\"b\\c\/d\n\t\r\b\f\u00e9\uD7FF\uE000""#.utf8), nil), (Array(#""\uD800""#.utf8), 4), (Array(#""\ud9"#.utf8), 4),
        (Array(#""\x""#.utf8), 2), (Array(#""\u12G""#.utf8), 5), ([0x22, 0x61, 0x0A, 0x22], 2), ([0x22, 0xC3, 0xA9, 0x22], nil),
        ([0x22, 0xC3, 0x28], 2), ([0x22, 0xC0, 0x80], 1), ([0x22, 0xE0, 0x80], 2), ([0x22, 0xED, 0xA0, 0x80], 2),
        ([0x22, 0xF4, 0x90], 2), ([0x22, 0x80], 1), ([0x22, 0xF5], 1), ([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x7F, 0x22], nil),
        ([0x22, 0xE2, 0x82, 0x22], 3),
    ] as [([UInt8], Int?)])
    func strings(_ bytes: [UInt8], _ offset: Int?) throws {
        #expect(Self.rejection(try Self.schema(#"{"type":"string"}"#), bytes) == offset)
    }

    @Test("a character split across tokens is tracked")
    func splitCharacter() throws {
        var matcher = GrammarMatcher(try Self.schema(#"{"type":"string","maxLength":2}"#))
        #expect(Self.feed(&matcher, [0x22, 0xF0, 0x9F]))
        #expect(!Self.feed(&matcher, [0x22]))
        #expect(Self.feed(&matcher, [0x98]))
        #expect(Self.feed(&matcher, [0x80, 0xC3]))
        #expect(!matcher.canFinish)
        #expect(Self.feed(&matcher, [0xA9]))
        #expect(!Self.feed(&matcher, Array("x".utf8)))
        #expect(Self.feed(&matcher, [0x22]))
        #expect(matcher.isComplete)
    }

    @Test("string lengths count characters; an escape is one")
    func stringLengths() throws {
        let short = try Self.schema(#"{"type":"string","minLength":2,"maxLength":2}"#)
        #expect(Self.accepts(short, "\"é😀\""))
        #expect(Self.accepts(short, #""\n\u0041""#))
        #expect(Self.rejection(short, Array(#""abc""#.utf8)) == 3)
        #expect(Self.rejection(short, Array(#""a""#.utf8)) == 2)
        #expect(Self.rejection(short, Array(#""\n\tx""#.utf8)) == 5)
    }

    @Test("numbers", arguments: [
        ("-0.5e+10", nil as Int?), ("01", 1), (".5", 0), ("1e100", 4), ("1234567890123456", 15), ("-", nil), ("1E-0", nil),
        ("0.1234567890123456", 17), ("--1", 1), ("1.e5", 2),
    ] as [(String, Int?)])
    func numbers(_ text: String, _ offset: Int?) throws {
        #expect(Self.rejection(try Self.schema(#"{"type":"number"}"#), Array(text.utf8)) == offset)
    }

    @Test("incomplete numbers cannot finish; complete ones can but may go on")
    func numberCompletion() throws {
        let grammar = try Self.schema(#"{"type":"number"}"#)
        for text in ["-", "1.", "1e", "1e+"] {
            var matcher = GrammarMatcher(grammar)
            #expect(Self.feed(&matcher, text) && !matcher.canFinish, "\(text)")
        }
        var matcher = GrammarMatcher(grammar)
        #expect(Self.feed(&matcher, "12"))
        #expect(matcher.canFinish && matcher.canAcceptMore && !matcher.isComplete)
    }

    @Test("integer bounds are exact", arguments: [
        (#"{"type":"integer","minimum":-5,"maximum":5}"#, ["-5", "0", "5", "-1"], [("-6", 1), ("10", 1), ("-0", 1), ("6", 0), ("1.0", 1)]),
        (#"{"type":"integer","minimum":1000,"maximum":1005}"#, ["1000", "1005"], [("999", 0), ("1006", 3), ("10000", 4), ("-1", 0)]),
        (#"{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}"#, ["1", "9"], [("0", 0), ("10", 1)]),
        (#"{"type":"number","minimum":0,"maximum":1}"#, ["0", "0.5", "1", "0.999999999999999"], [("1.5", 1), ("2", 0), ("0.9999999999999999", 17), ("1e1", 1)]),
        (#"{"type":"number","minimum":-2.5,"maximum":2.5}"#, ["-1.25", "1.99", "2", "-2"], [("2.1", 1), ("-2.1", 2), ("3", 0)]),
    ] as [(String, [String], [(String, Int)])])
    func integerBounds(_ schema: String, _ valid: [String], _ invalid: [(String, Int)]) throws {
        let grammar = try Self.schema(schema)
        for text in valid { #expect(Self.accepts(grammar, text), "\(text)") }
        for (text, offset) in invalid { #expect(Self.rejection(grammar, Array(text.utf8)) == offset, "\(text)") }
    }

    @Test("enums whose values are prefixes of others")
    func enumPrefixes() throws {
        let grammar = try Self.schema(#"{"enum":["red","reddish",1,12,123,null,{"k":[true]}]}"#)
        for text in [#""red""#, #""reddish""#, "1", "12", "123", "null", #"{"k":[true]}"#] { #expect(Self.accepts(grammar, text), "\(text)") }
        #expect(Self.rejection(grammar, Array(#""redd""#.utf8)) == 5)
        #expect(Self.rejection(grammar, Array("124".utf8)) == 2)
        var matcher = GrammarMatcher(grammar)
        #expect(Self.feed(&matcher, "12") && matcher.canFinish && matcher.canAcceptMore)
        #expect(Self.feed(&matcher, "3") && matcher.isComplete)
    }

    @Test("arrays respect minItems and maxItems")
    func arrays() throws {
        let grammar = try Self.schema(#"{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}"#)
        #expect(Self.accepts(grammar, "[1,-2]"))
        #expect(Self.rejection(grammar, Array("[]".utf8)) == 1)
        #expect(Self.rejection(grammar, Array("[1,2,3]".utf8)) == 4)
        #expect(Self.rejection(grammar, Array("[1,]".utf8)) == 3)
    }

    @Test("free-form objects: any members within depth and member limits")
    func freeObjects() throws {
        let limits = try GrammarLimits(maxObjectMembers: 2, maxDepth: 2)
        let grammar = Grammar.anyJSONObject(limits: limits)
        #expect(Self.accepts(grammar, #"{"k":[1,{"x":null}],"":"v"}"#) == false)
        #expect(Self.accepts(grammar, #"{"k":[1,"x",null],"":{}}"#))
        #expect(Self.rejection(grammar, Array(#"{"a":{"b":{"#.utf8)) == 10)
        #expect(Self.rejection(grammar, Array(#"{"a":1,"b":2,"#.utf8)) == 12)
        #expect(Self.rejection(grammar, Array("[]".utf8)) == 0)
        #expect(Self.accepts(.anyJSONObject(), #"{"k":[1,{"x":null}],"":"v","k":-1.5}"#))
    }

    @Test("alternatives sharing a prefix are followed together")
    func sharedPrefixes() throws {
        let grammar = try Self.schema(TestSchemas.all[12].text)
        #expect(Self.accepts(grammar, #"{"kind":"a","x":1}"#))
        #expect(Self.accepts(grammar, #"{"kind":"a","z":true}"#))
        #expect(Self.accepts(grammar, #"{"kind":"b"}"#))
        #expect(Self.rejection(grammar, Array(#"{"kind":"a"}"#.utf8)) == 11)
    }

    @Test("tool calls: literals around a schema, several tools")
    func toolCalls() {
        let grammar = ToolCallGrammar.twoTools
        var matcher = GrammarMatcher(grammar)
        #expect(Self.feed(&matcher, #"<tool_call>{"name":"calculator","arguments":{"expression":"1+1"}}</tool_call>"#))
        #expect(matcher.isComplete)
        #expect(Self.accepts(grammar, #"<tool_call>{"name":"calendar","arguments":{"limit":50}}</tool_call>"#))
        #expect(Self.accepts(grammar, #"<tool_call>{"name":"calendar","arguments":{}}</tool_call>"#))
        #expect(Self.rejection(grammar, Array(#"<tool_call>{"name":"calx"#.utf8)) == 23)
        #expect(Self.rejection(grammar, Array(#"<tool_call>{"name":"calculator","arguments":{}}"#.utf8)) == 45)
    }

    @Test("literals, the empty grammar and optional parts")
    func combinators() {
        let optional = Grammar.sequence([.choice([.literal("a"), .empty]), .literal("b")])
        #expect(Self.accepts(optional, "b") && Self.accepts(optional, "ab"))
        #expect(Self.rejection(optional, Array("aa".utf8)) == 1)
        #expect(GrammarMatcher(.empty).isComplete)
        #expect(GrammarMatcher(.literal("")).isComplete)
        let overlapping = Grammar.choice([.literal("ab"), .literal("abc")])
        var matcher = GrammarMatcher(overlapping)
        #expect(Self.feed(&matcher, "ab") && matcher.canFinish && matcher.canAcceptMore)
    }

    @Test("a rejected byte leaves the matcher unchanged; advance(bytes:) is all or nothing")
    func rejectionKeepsState() throws {
        var matcher = GrammarMatcher(try Self.schema(Self.person))
        #expect(Self.feed(&matcher, #"{"name":"#))
        let before = matcher
        #expect(!Self.feed(&matcher, [UInt8(ascii: "1")]))
        #expect(matcher == before)
        #expect(!Self.feed(&matcher, #""ok"x"#))
        #expect(matcher == before)
        #expect(Self.feed(&matcher, #""ok","age":1}"#))
        #expect(matcher.isComplete && !matcher.canAcceptMore)
    }
}
