extension JSONValue {
    /// Compact JSON text: no whitespace, object members in stored order, strings escaped per
    /// RFC 8259 §7 (quote, backslash and control characters only; everything else is raw UTF-8),
    /// integral numbers below 2^53 in magnitude without a fraction (`3`, not `3.0`), other numbers
    /// in Swift's shortest round-trip form (`0.1`, `1e+20`), non-finite numbers as `null`.
    public var jsonText: String {
        var output: [UInt8] = []
        appendJSONText(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the compact JSON text's UTF-8 bytes to `output`.
    public func appendJSONText(to output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let value): output += Array(Self.numberText(value).utf8)
        case .string(let text): Self.appendQuoted(text, to: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.appendJSONText(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.appendQuoted(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.appendJSONText(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A number as JSON text (see `jsonText`).
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        // 2^53: beyond it not every integer is representable, so the integer form could mislead.
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return value.description
    }

    /// `text` as a quoted JSON string's UTF-8 bytes.
    static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x00 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
