extension JSONValue {
    /// Parses RFC 8259 JSON text, keeping object members in source order (unlike `JSONDecoder`).
    /// Nesting deeper than 512 levels is refused rather than risking the stack.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses RFC 8259 JSON from UTF-8 bytes (see `init(parsing:)`).
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        var parser = JSONParser(bytes: bytes)
        self = try parser.parseDocument()
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
    static let maxDepth = 512
    let bytes: [UInt8]
    var offset = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected text after the value") }
        return value
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        offset += 1
        var object = JSONObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after a member name")
            object.append(key, try parseValue())
            skipWhitespace()
            if try endOfContainer(closing: UInt8(ascii: "}")) { break }
        }
        depth -= 1
        return .object(object)
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            if try endOfContainer(closing: UInt8(ascii: "]")) { break }
        }
        depth -= 1
        return .array(items)
    }

    /// Consumes `,` (false: another item follows) or the closing bracket (true).
    private mutating func endOfContainer(closing: UInt8) throws(JSONParseError) -> Bool {
        guard let byte = peek() else { throw failure("unexpected end of input") }
        offset += 1
        if byte == closing { return true }
        guard byte == UInt8(ascii: ",") else {
            offset -= 1
            throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
        }
        return false
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw failure("expected a value") }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            try requireDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            try requireDigits()
        }
        let text = String(decoding: bytes[start ..< offset], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            offset = start
            throw failure("number out of range")
        }
        return value
    }

    private mutating func requireDigits() throws(JSONParseError) {
        guard let byte = peek(), Self.isDigit(byte) else { throw failure("expected a digit") }
        skipDigits()
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { offset += 1 }
    }

    private mutating func expectWord(_ word: String) throws(JSONParseError) {
        for byte in word.utf8 { try expect(byte, "expected '\(word)'") }
    }

    mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONParseError) {
        guard peek() == byte else { throw failure(reason) }
        offset += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    func failure(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: offset) }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
