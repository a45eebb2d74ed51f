/// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, with at most
/// `GrammarLimits.maxIntegerDigits` / `maxFractionDigits` / `maxExponentDigits` digits per part.
///
/// Phases: 0 start, 1 after `-`, 2 after a leading `0`, 3 integer digits, 4 after `.`,
/// 5 fraction digits, 6 after `e`, 7 after the exponent sign, 8 exponent digits; `count` digits
/// in the current part.
enum NumberLexer {
    static func consume(_ frame: Frame, _ byte: UInt8) -> FrameStep {
        let isDigit = JSONParser.isDigit(byte)
        let digits = Int(frame.count)
        switch frame.phase {
        case 0 where byte == UInt8(ascii: "-"): return step(frame, 1, 0)
        case 0, 1:
            guard isDigit else { return .rejected }
            return byte == UInt8(ascii: "0") ? step(frame, 2, 0) : step(frame, 3, 1)
        case 2, 3:
            if isDigit, frame.phase == 3, digits < GrammarLimits.maxIntegerDigits { return step(frame, 3, digits + 1) }
            return afterMantissa(frame, byte, allowsFraction: true)
        case 4, 5:
            if isDigit, digits < GrammarLimits.maxFractionDigits { return step(frame, 5, digits + 1) }
            return frame.phase == 5 ? afterMantissa(frame, byte, allowsFraction: false) : .rejected
        case 6 where byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"): return step(frame, 7, 0)
        default:
            guard isDigit, digits < GrammarLimits.maxExponentDigits else { return .rejected }
            return step(frame, 8, digits + 1)
        }
    }

    static func mayEnd(_ frame: Frame) -> Bool {
        switch frame.phase {
        case 2, 3, 5, 8: true
        default: false
        }
    }

    private static func afterMantissa(_ frame: Frame, _ byte: UInt8, allowsFraction: Bool) -> FrameStep {
        if allowsFraction, byte == UInt8(ascii: ".") { return step(frame, 4, 0) }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return step(frame, 6, 0) }
        return .rejected
    }

    private static func step(_ frame: Frame, _ phase: Int32, _ digits: Int) -> FrameStep {
        .advanced(Frame(node: frame.node, phase: phase, count: Int32(digits)))
    }
}

/// A JSON integer in `[minimum, maximum]` (no exponent, no `-0`), or for a bounded `number`,
/// such an integer optionally followed by a fraction (`IntegerRule.permitsFraction`).
///
/// Phases: 0 start, 1 after `-`, 2 the integer `0`, 3 positive digits, 4 negative digits,
/// 5 after `.`, 6 fraction digits; `count` digits in the current part, `detail` the integer
/// magnitude. A digit is accepted only if some completion of the digits so far (up to the digit
/// cap) lies within the bounds, so every accepted prefix can still end in range.
enum IntegerLexer {
    static func consume(_ frame: Frame, _ byte: UInt8, _ rule: IntegerRule) -> FrameStep {
        let digit = Int64(byte) - Int64(UInt8(ascii: "0"))
        let isDigit = (0 ... 9).contains(digit)
        if byte == UInt8(ascii: "."), (2 ... 4).contains(frame.phase) {
            let integer = frame.phase == 4 ? -frame.detail : frame.detail
            return rule.permitsFraction(after: integer) ? .advanced(Frame(node: frame.node, phase: 5)) : .rejected
        }
        switch frame.phase {
        case 0 where byte == UInt8(ascii: "-"):
            return rule.minimum <= -1 ? .advanced(Frame(node: frame.node, phase: 1)) : .rejected
        case 0 where digit == 0:
            guard rule.minimum <= 0, 0 <= rule.maximum else { return .rejected }
            return rule.allowsFraction ? .advanced(Frame(node: frame.node, phase: 2)) : .finished
        case 0, 1:
            guard isDigit, digit > 0 else { return .rejected }
            return extend(frame, phase: frame.phase == 0 ? 3 : 4, magnitude: digit, digits: 1, rule)
        case 3, 4:
            guard isDigit, Int(frame.count) < GrammarLimits.maxIntegerDigits else { return .rejected }
            return extend(frame, phase: frame.phase, magnitude: frame.detail * 10 + digit, digits: Int(frame.count) + 1, rule)
        case 5, 6:
            guard isDigit, Int(frame.count) < GrammarLimits.maxFractionDigits else { return .rejected }
            return .advanced(Frame(node: frame.node, phase: 6, count: frame.count + 1))
        default:
            return .rejected
        }
    }

    static func mayEnd(_ frame: Frame, _ rule: IntegerRule) -> Bool {
        switch frame.phase {
        case 2, 6: return true
        case 3, 4:
            let value = frame.phase == 3 ? frame.detail : -frame.detail
            return rule.minimum <= value && value <= rule.maximum
        default: return false
        }
    }

    private static func extend(_ frame: Frame, phase: Int32, magnitude: Int64, digits: Int, _ rule: IntegerRule) -> FrameStep {
        guard isViable(magnitude: magnitude, digits: digits, negative: phase == 4, rule) else { return .rejected }
        return .advanced(Frame(node: frame.node, phase: phase, count: Int32(digits), detail: magnitude))
    }

    /// Whether appending 0 or more digits (within the cap) to `magnitude` can land in range.
    static func isViable(magnitude: Int64, digits: Int, negative: Bool, _ rule: IntegerRule) -> Bool {
        // The magnitudes allowed for this sign.
        let lower = negative ? max(-rule.maximum, 1) : max(rule.minimum, 1)
        let upper = negative ? -rule.minimum : rule.maximum
        guard lower <= upper else { return false }
        var scale: Int64 = 1
        for _ in 0 ... (GrammarLimits.maxIntegerDigits - digits) {
            let smallest = magnitude * scale, largest = smallest + scale - 1
            if smallest > upper { return false }
            if largest >= lower { return true }
            scale *= 10
        }
        return false
    }
}
