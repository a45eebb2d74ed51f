extension Tokenizer {
    static func validate(_ ids: SpecialTokenIDs, vocabularySize: Int) throws(TokenizerError) {
        let named: [(String, Int32?)] = [
            ("tokenizer.ggml.bos_token_id", ids.bos), ("tokenizer.ggml.eos_token_id", ids.eos),
            ("tokenizer.ggml.padding_token_id", ids.padding), ("tokenizer.ggml.unknown_token_id", ids.unknown),
        ]
        for case let (field, id?) in named where id < 0 || Int(id) >= vocabularySize {
            throw .specialTokenOutOfRange(field: field, id: Int(id), vocabularySize: vocabularySize)
        }
    }

    /// Vocabulary strings to ids; when a string repeats, its first id wins.
    static func index(_ tokens: [String]) -> [String: Int32] {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(id) }
        return ids
    }

    static func makeMerger(merges: [String], idsByToken: [String: Int32]) throws(TokenizerError) -> BytePairMerger {
        let byteTokens = (0 ... 255).map { byte in
            idsByToken[String(ByteLevelAlphabet.scalarForByte[byte])] ?? BytePairMerger.noToken
        }
        var rules: [UInt64: BytePairMerger.Rule] = [:]
        rules.reserveCapacity(merges.count)
        for (rank, rule) in merges.enumerated() {
            let (left, right, result) = try parseMerge(rule, rank: rank, idsByToken: idsByToken)
            let key = BytePairMerger.key(left, right)
            if rules[key] == nil { rules[key] = BytePairMerger.Rule(rank: Int32(clamping: rank), result: result) }
        }
        return BytePairMerger(rules: rules, byteTokens: byteTokens)
    }

    /// Splits `"left right"` at its first space after the first character and looks up both
    /// parts and their concatenation.
    private static func parseMerge(
        _ rule: String, rank: Int, idsByToken: [String: Int32]
    ) throws(TokenizerError) -> (left: Int32, right: Int32, result: Int32) {
        let scalars = rule.unicodeScalars
        guard !scalars.isEmpty, let space = scalars.dropFirst().firstIndex(of: " ") else {
            throw .invalidMerge(rank: rank, rule: rule, reason: "expected two tokens separated by a space")
        }
        let left = String(scalars[..<space])
        let right = String(scalars[scalars.index(after: space)...])
        guard !right.isEmpty else { throw .invalidMerge(rank: rank, rule: rule, reason: "empty right-hand token") }
        guard let leftID = idsByToken[left] else {
            throw .invalidMerge(rank: rank, rule: rule, reason: "'\(left)' is not in the vocabulary")
        }
        guard let rightID = idsByToken[right] else {
            throw .invalidMerge(rank: rank, rule: rule, reason: "'\(right)' is not in the vocabulary")
        }
        guard let resultID = idsByToken[left + right] else {
            throw .invalidMerge(rank: rank, rule: rule, reason: "the merged token '\(left + right)' is not in the vocabulary")
        }
        return (leftID, rightID, resultID)
    }

    static func makeSpecialMatcher(tokens: [String], types: [TokenType]) -> SpecialTokenMatcher {
        var entries: [(text: String, id: Int32, requiresParseSpecial: Bool)] = []
        for (id, type) in types.enumerated() where type == .control || type == .userDefined {
            entries.append((tokens[id], Int32(id), type == .control))
        }
        return SpecialTokenMatcher(tokens: entries)
    }
}

/// Every token's decoded bytes in one flat array: byte-level tokens mapped back through GPT-2's
/// alphabet, literal tokens (control, user-defined, unknown) as their UTF-8 text.
struct DecodeTable: Sendable {
    private let bytes: [UInt8]
    private let offsets: [Int]

    init(tokens: [String], types: [TokenType]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(tokens.count + 1)
        for (token, type) in zip(tokens, types) {
            if type.isLiteralText {
                bytes.append(contentsOf: token.utf8)
            } else {
                bytes.append(contentsOf: ByteLevelAlphabet.decode(token))
            }
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    func append(_ id: Int, to output: inout [UInt8]) {
        output.append(contentsOf: bytes[offsets[id] ..< offsets[id + 1]])
    }
}
