/// The byte-level lexer of a JSON string's contents (after the opening quote).
///
/// States track partial UTF-8 sequences (only well-formed UTF-8 per Unicode Table 3-7: no
/// overlongs, no surrogates, nothing above U+10FFFF) and escapes. Accepted escapes: `\"` `\\` `\/`
/// `\b` `\f` `\n` `\r` `\t` and `\uXXXX` outside the surrogate range D800–DFFF (characters beyond
/// the BMP are written as raw UTF-8 instead of surrogate pairs). Control bytes below 0x20 must be
/// escaped. A character is counted at its first byte (a lead byte or the backslash).
enum StringLexer {
    /// Lexer states.
    static let normal: UInt8 = 0
    static let stateCount = 14
    private static let continuation1: UInt8 = 1, continuation2: UInt8 = 2, afterE0: UInt8 = 3, afterED: UInt8 = 4
    private static let continuation3: UInt8 = 5, afterF0: UInt8 = 6, afterF4: UInt8 = 7
    private static let escape: UInt8 = 8, hex0: UInt8 = 9, hex1: UInt8 = 10, hex1AfterD: UInt8 = 11
    private static let hex2: UInt8 = 12, hex3: UInt8 = 13

    /// A transition: rejected, the closing quote, or the next state and whether a character began.
    enum Transition: Equatable {
        case rejected
        case close
        case next(UInt8, startsCharacter: Bool)
    }

    /// `table[state * 256 + byte]`: 0xFF rejected, 0xFE closing quote, else the next state plus
    /// 0x10 when a character begins.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: stateCount * 256)
        for state in 0 ..< stateCount {
            for byte in 0 ... 255 {
                table[state * 256 + byte] = encode(computeTransition(UInt8(state), UInt8(byte)))
            }
        }
        return table
    }()

    @inline(__always)
    static func transition(_ state: UInt8, _ byte: UInt8) -> Transition {
        let code = table[Int(state) &* 256 &+ Int(byte)]
        switch code {
        case 0xFF: return .rejected
        case 0xFE: return .close
        default: return .next(code & 0x0F, startsCharacter: code & 0x10 != 0)
        }
    }

    /// String frame: phase 0 before the opening quote, else lexer state + 1; `count` characters.
    static func consume(_ frame: Frame, _ byte: UInt8, _ rule: StringRule) -> FrameStep {
        guard frame.phase > 0 else {
            guard byte == UInt8(ascii: "\"") else { return .rejected }
            return .advanced(Frame(node: frame.node, phase: 1))
        }
        switch transition(UInt8(frame.phase - 1), byte) {
        case .rejected:
            return .rejected
        case .close:
            return Int(frame.count) >= rule.minLength ? .finished : .rejected
        case .next(let state, let startsCharacter):
            var next = frame
            next.phase = Int32(state) + 1
            if startsCharacter {
                guard Int(frame.count) < rule.maxLength else { return .rejected }
                next.count += 1
            }
            return .advanced(next)
        }
    }

    private static func encode(_ transition: Transition) -> UInt8 {
        switch transition {
        case .rejected: 0xFF
        case .close: 0xFE
        case .next(let state, let startsCharacter): state | (startsCharacter ? 0x10 : 0)
        }
    }

    private static func computeTransition(_ state: UInt8, _ byte: UInt8) -> Transition {
        switch state {
        case normal: return normalTransition(byte)
        case continuation1: return (0x80 ... 0xBF).contains(byte) ? .next(normal, startsCharacter: false) : .rejected
        case continuation2: return (0x80 ... 0xBF).contains(byte) ? .next(continuation1, startsCharacter: false) : .rejected
        case afterE0: return (0xA0 ... 0xBF).contains(byte) ? .next(continuation1, startsCharacter: false) : .rejected
        case afterED: return (0x80 ... 0x9F).contains(byte) ? .next(continuation1, startsCharacter: false) : .rejected
        case continuation3: return (0x80 ... 0xBF).contains(byte) ? .next(continuation2, startsCharacter: false) : .rejected
        case afterF0: return (0x90 ... 0xBF).contains(byte) ? .next(continuation2, startsCharacter: false) : .rejected
        case afterF4: return (0x80 ... 0x8F).contains(byte) ? .next(continuation2, startsCharacter: false) : .rejected
        case escape: return escapeTransition(byte)
        case hex0:
            guard isHex(byte) else { return .rejected }
            return .next(byte == UInt8(ascii: "d") || byte == UInt8(ascii: "D") ? hex1AfterD : hex1, startsCharacter: false)
        case hex1: return isHex(byte) ? .next(hex2, startsCharacter: false) : .rejected
        case hex1AfterD: return (UInt8(ascii: "0") ... UInt8(ascii: "7")).contains(byte) ? .next(hex2, startsCharacter: false) : .rejected
        case hex2: return isHex(byte) ? .next(hex3, startsCharacter: false) : .rejected
        default: return isHex(byte) ? .next(normal, startsCharacter: false) : .rejected
        }
    }

    private static func normalTransition(_ byte: UInt8) -> Transition {
        switch byte {
        case UInt8(ascii: "\""): .close
        case UInt8(ascii: "\\"): .next(escape, startsCharacter: true)
        case 0x00 ..< 0x20: .rejected
        case 0x20 ..< 0x80: .next(normal, startsCharacter: true)
        case 0xC2 ... 0xDF: .next(continuation1, startsCharacter: true)
        case 0xE0: .next(afterE0, startsCharacter: true)
        case 0xED: .next(afterED, startsCharacter: true)
        case 0xE1 ... 0xEF: .next(continuation2, startsCharacter: true)
        case 0xF0: .next(afterF0, startsCharacter: true)
        case 0xF1 ... 0xF3: .next(continuation3, startsCharacter: true)
        case 0xF4: .next(afterF4, startsCharacter: true)
        default: .rejected
        }
    }

    private static func escapeTransition(_ byte: UInt8) -> Transition {
        switch byte {
        case UInt8(ascii: "u"): .next(hex0, startsCharacter: false)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            .next(normal, startsCharacter: false)
        default: .rejected
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool { JSONParser.hexValue(byte) != nil }
}
