extension JSONParser {
    /// Parses a quoted string (the cursor is on the opening quote), validating UTF-8 and
    /// combining `\uD83D\uDE00`-style surrogate pairs.
    mutating func parseString() throws(JSONParseError) -> String {
        offset += 1
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        while true {
            guard let byte = peek() else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                try appendRaw(runStart ..< offset, to: &scalars)
                if byte == UInt8(ascii: "\"") {
                    offset += 1
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else { throw failure("unescaped control character in a string") }
                offset += 1
                scalars.append(try parseEscape())
                runStart = offset
            } else {
                offset += 1
            }
        }
    }

    private func appendRaw(_ range: Range<Int>, to scalars: inout String.UnicodeScalarView) throws(JSONParseError) {
        guard !range.isEmpty else { return }
        var decoder = UTF8()
        var iterator = bytes[range].makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return
            case .error: throw JSONParseError(reason: "invalid UTF-8 in a string", offset: range.lowerBound)
            }
        }
    }

    private mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        guard let byte = peek() else { throw failure("unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): return try parseUnicodeEscape()
        default:
            offset -= 1
            throw failure("invalid escape")
        }
    }

    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800 ..< 0xDC00).contains(first) {
            try expect(UInt8(ascii: "\\"), "unpaired surrogate")
            try expect(UInt8(ascii: "u"), "unpaired surrogate")
            let second = try parseHex4()
            guard (0xDC00 ..< 0xE000).contains(second) else { throw failure("unpaired surrogate") }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw failure("invalid code point") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw failure("unpaired surrogate") }
        return scalar
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else { throw failure("expected 4 hex digits") }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
