import Foundation
import StructuredOutput
import Testing

@Suite struct JSONValueTests {
    @Test("compact text: stored key order, RFC 8259 escapes, integers without .0")
    func compactText() throws {
        let value: JSONValue = [
            "z": 1, "a": [true, nil, 2.5, -0.0], "s": "q\"b\\s/\n\t\u{01}\u{7F}é😀", "big": 9_007_199_254_740_992.0, "int": 12_345_678_901_234,
        ]
        #expect(value.jsonText == #"{"z":1,"a":[true,null,2.5,0],"s":"q\"b\\s/\n\t\u0001"# + "\u{7F}é😀" + #"","big":9007199254740992.0,"int":12345678901234}"#)
        #expect(JSONValue.number(.infinity).jsonText == "null")
        #expect(JSONValue.object([]).jsonText == "{}")
        #expect(JSONValue.array([]).jsonText == "[]")
    }

    @Test("the parser keeps member order and round-trips through jsonText")
    func parserKeepsOrder() throws {
        let text = #"{ "zeta": 1, "alpha": {"y": [1, 2e3, -0.5], "b": "\u00e9\ud83d\ude00\/"}, "mid": null }"#
        let value = try JSONValue(parsing: text)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(value.objectValue?["alpha"]?.objectValue?.keys == ["y", "b"])
        #expect(value.jsonText == #"{"zeta":1,"alpha":{"y":[1,2000,-0.5],"b":"é😀/"},"mid":null}"#)
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }

    @Test("parse errors name the offset", arguments: [
        ("{\"a\":1,}", 7), ("[1 2]", 3), ("\"abc", 4), ("01", 1), ("\"\\x\"", 2), ("\"\\ud800\"", 7), ("tru", 3), ("1e999", 0),
        ("[1] x", 4), ("\"a\u{01}\"", 2),
    ])
    func parseErrors(_ text: String, _ offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        do {
            _ = try JSONValue(parsing: text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test("Decodable through JSONDecoder (members sorted by key) and Encodable")
    func codable() throws {
        let text = #"{"b":[1,"x",false,null],"a":{"d":1.5,"c":true}}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded.objectValue?.keys == ["a", "b"])
        #expect(decoded.objectValue?["a"]?.objectValue?.keys == ["c", "d"])
        #expect(decoded == (try JSONValue(parsing: text)))
        #expect(decoded.objectValue?["b"] == [1, "x", false, nil])
        let encoded = try JSONEncoder().encode(try JSONValue(parsing: text))
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == decoded)
        #expect(JSONValue.number(1e20).jsonText == "1e+20")
    }

    @Test("objects compare and hash without regard to order")
    func objectEquality() throws {
        let first = try JSONValue(parsing: #"{"a":1,"b":[2]}"#)
        let second = try JSONValue(parsing: #"{"b":[2],"a":1}"#)
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        #expect(first != (try JSONValue(parsing: #"{"a":1,"b":[3]}"#)))
        #expect(JSONValue.number(1) != JSONValue.bool(true))
    }
}
