/// Where a byte stream can be cut without splitting a UTF-8 character.
enum UTF8Boundary {
    /// The start of the trailing bytes of `bytes` that form a valid but unfinished UTF-8 sequence
    /// (a lead byte and fewer continuation bytes than it needs, each allowed by the rules of
    /// well-formed UTF-8), or `bytes.count` when the bytes end on a boundary or the tail can
    /// never become valid. Decoding `bytes[..<cut]` now and the rest later gives the same text
    /// as decoding everything at once: a valid unfinished prefix is exactly what a decoder would
    /// have to wait for.
    static func incompleteTailStart(of bytes: [UInt8]) -> Int {
        let count = bytes.count
        var index = count - 1
        while index >= 0, index >= count - 3 {
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 {
                index -= 1
                continue
            }
            guard let width = sequenceWidth(lead: byte), count - index < width else { return count }
            for offset in index + 1 ..< count where !isAllowed(bytes[offset], at: offset - index, lead: byte) {
                return count
            }
            return index
        }
        return count
    }

    /// The number of bytes a sequence starting with `lead` has, for multi-byte leads only.
    private static func sequenceWidth(lead: UInt8) -> Int? {
        switch lead {
        case 0xC2 ... 0xDF: 2
        case 0xE0 ... 0xEF: 3
        case 0xF0 ... 0xF4: 4
        default: nil
        }
    }

    /// Whether `byte` may be continuation byte number `position` (1-based) after `lead`; the
    /// second byte's range is narrowed for E0, ED, F0 and F4 (no overlongs, surrogates or values
    /// above U+10FFFF).
    private static func isAllowed(_ byte: UInt8, at position: Int, lead: UInt8) -> Bool {
        guard position == 1 else { return byte & 0xC0 == 0x80 }
        switch lead {
        case 0xE0: return (0xA0 ... 0xBF).contains(byte)
        case 0xED: return (0x80 ... 0x9F).contains(byte)
        case 0xF0: return (0x90 ... 0xBF).contains(byte)
        case 0xF4: return (0x80 ... 0x8F).contains(byte)
        default: return byte & 0xC0 == 0x80
        }
    }
}
