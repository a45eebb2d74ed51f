/// Finds special-token text (such as `<|im_start|>`) in a scanned text, leftmost first and, at
/// one position, longest first.
struct SpecialTokenMatcher: Sendable {
    enum Fragment: Equatable {
        /// Ordinary text: a range of scalars to pre-tokenize.
        case text(Range<Int>)
        /// A special token's id.
        case special(Int32)
    }

    private struct Candidate: Sendable {
        var scalars: [UInt32]
        var id: Int32
        /// Matched only when the caller asks to parse control tokens.
        var requiresParseSpecial: Bool
    }

    /// Candidates by first scalar, longest first.
    private let candidates: [UInt32: [Candidate]]

    /// `tokens` are (text, id, matched only when parsing specials) triples; empty texts are ignored.
    init(tokens: [(text: String, id: Int32, requiresParseSpecial: Bool)]) {
        var table: [UInt32: [Candidate]] = [:]
        for token in tokens {
            let scalars = token.text.unicodeScalars.map(\.value)
            guard let first = scalars.first else { continue }
            table[first, default: []].append(
                Candidate(scalars: scalars, id: token.id, requiresParseSpecial: token.requiresParseSpecial))
        }
        candidates = table.mapValues { $0.sorted { $0.scalars.count > $1.scalars.count } }
    }

    var isEmpty: Bool { candidates.isEmpty }

    /// Splits `values` into text and special-token fragments.
    func split(_ values: [UInt32], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = []
        var textStart = 0
        var index = 0
        while index < values.count {
            guard let match = longestMatch(in: values, at: index, parseSpecial: parseSpecial) else {
                index += 1
                continue
            }
            if textStart < index { fragments.append(.text(textStart ..< index)) }
            fragments.append(.special(match.id))
            index += match.scalars.count
            textStart = index
        }
        if textStart < values.count { fragments.append(.text(textStart ..< values.count)) }
        return fragments
    }

    private func longestMatch(in values: [UInt32], at index: Int, parseSpecial: Bool) -> Candidate? {
        guard let list = candidates[values[index]] else { return nil }
        return list.first { candidate in
            (parseSpecial || !candidate.requiresParseSpecial)
                && index + candidate.scalars.count <= values.count
                && values[index ..< index + candidate.scalars.count].elementsEqual(candidate.scalars)
        }
    }
}
