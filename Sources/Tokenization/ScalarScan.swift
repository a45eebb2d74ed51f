/// The character classes the GPT-2 pre-tokenizer pattern distinguishes.
enum ScalarClass: UInt8 {
    /// `\p{L}`: general categories Lu, Ll, Lt, Lm, Lo.
    case letter
    /// `\p{N}`: general categories Nd, Nl, No.
    case number
    /// `\s`: the Unicode `White_Space` property.
    case whitespace
    /// Everything else (punctuation, symbols, marks, controls...).
    case other

    private static let ascii: [ScalarClass] = (0 ..< 128).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"): .letter
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): .number
        case 0x09 ... 0x0D, 0x20: .whitespace
        default: .other
        }
    }

    init(_ scalar: Unicode.Scalar) {
        if scalar.value < 128 {
            self = Self.ascii[Int(scalar.value)]
            return
        }
        let properties = scalar.properties
        if properties.isWhitespace {
            self = .whitespace
            return
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: self = .letter
        case .decimalNumber, .letterNumber, .otherNumber: self = .number
        default: self = .other
        }
    }
}

/// A text decoded once into parallel arrays the pre-tokenizer scans: each scalar's value, its
/// class, and its UTF-8 offset (with one extra offset for the end), so a piece found over
/// scalars maps straight to its bytes.
struct ScalarScan {
    private(set) var values: [UInt32] = []
    private(set) var classes: [ScalarClass] = []
    private(set) var byteOffsets: [Int] = [0]

    init(_ text: String) {
        let estimate = text.utf8.count
        values.reserveCapacity(estimate)
        classes.reserveCapacity(estimate)
        byteOffsets.reserveCapacity(estimate + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            values.append(scalar.value)
            classes.append(ScalarClass(scalar))
            offset += UTF8.width(scalar)
            byteOffsets.append(offset)
        }
    }

    var count: Int { values.count }

    /// The UTF-8 byte range of scalars `range`.
    func byteRange(_ range: Range<Int>) -> Range<Int> { byteOffsets[range.lowerBound] ..< byteOffsets[range.upperBound] }
}
