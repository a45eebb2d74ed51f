/// Precomputed answers for matchers inside a JSON string, one table per `StringLexer` state.
///
/// Inside a string almost every token is allowed, so walking the trie would visit nearly all of
/// it. But whether a token that stays inside the string is allowed depends only on the lexer
/// state and on how many characters it adds (against `maxLength`); the tokens that close the
/// string (a few hundred with a `"`) are the only ones whose fate depends on what follows.
struct StringTokenTables: Sendable {
    /// Masks are kept per character count up to this; longer tokens are listed (`longTokens`).
    static let countedCharacters = 24

    struct StateTable: Sendable {
        /// `withinCharacters[k]`: tokens that stay inside the string adding at most k characters,
        /// for k in `0 ... countedCharacters`.
        var withinCharacters: [TokenMask]
        /// Every token that stays inside the string.
        var allInside: TokenMask
        /// Inside tokens adding more than `countedCharacters` characters, fewest first.
        var longTokens: [(token: Int32, characters: Int32)]
        /// The most characters an inside token adds.
        var maxCharacters: Int
        /// Tokens that close the string, sorted by the bytes after the quote.
        var closingTokens: [ClosingToken]
    }

    /// A token whose closing quote is at `restStart - 1`, after `characters` characters.
    struct ClosingToken: Sendable {
        var token: Int32
        var restStart: Int32
        var characters: Int32
    }

    let states: [StateTable]

    init(layout: TrieLayout, vocabulary: [[UInt8]?]) {
        states = (0 ..< StringLexer.stateCount).map {
            Self.table(state: UInt8($0), layout: layout, vocabulary: vocabulary)
        }
    }

    /// One preorder walk from `state`: a rejected byte skips its subtree; a closing quote makes
    /// every token below it a closing token.
    private static func table(state start: UInt8, layout: TrieLayout, vocabulary: [[UInt8]?]) -> StateTable {
        let size = vocabulary.count
        var counts: [(token: Int32, characters: Int32)] = []
        var closing: [ClosingToken] = []
        let nodeCount = layout.bytes.count
        let maxDepth = Int(layout.depths.max() ?? 0)
        var states = [UInt8](repeating: start, count: maxDepth + 1)
        var characters = [Int32](repeating: 0, count: maxDepth + 1)
        var node = 1
        while node < nodeCount {
            let depth = Int(layout.depths[node])
            switch StringLexer.transition(states[depth - 1], layout.bytes[node]) {
            case .rejected:
                node = Int(layout.subtreeEnds[node])
            case .close:
                let end = Int(layout.subtreeEnds[node])
                for index in Int(layout.tokenStarts[node]) ..< Int(layout.tokenStarts[end]) {
                    closing.append(ClosingToken(token: layout.tokens[index], restStart: Int32(depth), characters: characters[depth - 1]))
                }
                node = end
            case .next(let next, let startsCharacter):
                states[depth] = next
                characters[depth] = characters[depth - 1] + (startsCharacter ? 1 : 0)
                for index in Int(layout.tokenStarts[node]) ..< Int(layout.tokenStarts[node + 1]) {
                    counts.append((layout.tokens[index], characters[depth]))
                }
                node += 1
            }
        }
        closing.sort { rest(of: $0, vocabulary).lexicographicallyPrecedes(rest(of: $1, vocabulary)) }
        return makeTable(counts: counts, closing: closing, size: size)
    }

    private static func makeTable(counts: [(token: Int32, characters: Int32)], closing: [ClosingToken], size: Int) -> StateTable {
        var within = [TokenMask](repeating: TokenMask(vocabularySize: size), count: countedCharacters + 1)
        var all = TokenMask(vocabularySize: size)
        var long: [(token: Int32, characters: Int32)] = []
        for entry in counts {
            all.insert(entry.token)
            if entry.characters <= countedCharacters { within[Int(entry.characters)].insert(entry.token) } else { long.append(entry) }
        }
        for characters in stride(from: 1, through: countedCharacters, by: 1) {
            within[characters].formUnion(within[characters - 1])
        }
        long.sort { $0.characters < $1.characters }
        let maxCharacters = Int(counts.map(\.characters).max() ?? 0)
        return StateTable(withinCharacters: within, allInside: all, longTokens: long, maxCharacters: maxCharacters, closingTokens: closing)
    }

    static func rest(of closing: ClosingToken, _ vocabulary: [[UInt8]?]) -> ArraySlice<UInt8> {
        (vocabulary[Int(closing.token)] ?? [])[Int(closing.restStart)...]
    }
}
