import Synchronization

/// A byte-level BPE tokenizer (GPT-2 family), as described by a GGUF file's `tokenizer.ggml.*`
/// metadata.
///
/// `encode` never adds a BOS token or a leading space: callers (the chat template, the server)
/// put every token they want into the text. The object is immutable apart from an internal,
/// lock-protected cache of recently merged pieces, and is safe to share between threads.
public final class Tokenizer: Sendable {
    /// Number of entries in the vocabulary; valid ids are `0 ..< vocabularySize`.
    public let vocabularySize: Int
    /// Ids of the beginning/end-of-sequence, padding and unknown tokens, when the model has them.
    public let specialTokenIDs: SpecialTokenIDs
    /// How text is split before merging.
    public let preTokenizer: PreTokenizer
    private let tokens: [String]
    private let types: [TokenType]
    private let idsByToken: [String: Int32]
    private let merger: BytePairMerger
    private let specialMatcher: SpecialTokenMatcher
    private let decodeTable: DecodeTable
    private let cache = Mutex(PieceCache())

    /// Builds a tokenizer from plain arrays.
    /// - Parameters:
    ///   - tokens: the vocabulary in byte-level form (`Ġworld`), indexed by id. Bytes whose
    ///     single-character token is missing are dropped when encoding (llama.cpp's behaviour).
    ///   - tokenTypes: one type per token (default: all `.normal`). `.control` tokens are
    ///     recognised in text only with `parseSpecial`; `.userDefined` tokens always.
    ///   - merges: the merge rules `"left right"`, best (lowest rank) first.
    ///   - preTokenizer: how text is split before merging.
    ///   - specialTokenIDs: ids with a role (checked to lie in the vocabulary).
    public init(
        tokens: [String], tokenTypes: [TokenType]? = nil, merges: [String],
        preTokenizer: PreTokenizer = .smollm, specialTokenIDs: SpecialTokenIDs = SpecialTokenIDs()
    ) throws(TokenizerError) {
        guard !tokens.isEmpty, tokens.count <= Int(Int32.max) else {
            throw .invalidVocabularySize(tokens.count)
        }
        let types = tokenTypes ?? Array(repeating: .normal, count: tokens.count)
        guard types.count == tokens.count else {
            throw .lengthMismatch(field: "tokenizer.ggml.token_type", expected: tokens.count, found: types.count)
        }
        try Self.validate(specialTokenIDs, vocabularySize: tokens.count)
        let idsByToken = Self.index(tokens)
        self.vocabularySize = tokens.count
        self.specialTokenIDs = specialTokenIDs
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.types = types
        self.idsByToken = idsByToken
        self.merger = try Self.makeMerger(merges: merges, idsByToken: idsByToken)
        self.specialMatcher = Self.makeSpecialMatcher(tokens: tokens, types: types)
        self.decodeTable = DecodeTable(tokens: tokens, types: types)
    }

    /// The token ids of `text`.
    ///
    /// With `parseSpecial`, text of control tokens such as `<|im_start|>` becomes that token's id
    /// (use it for templated prompts, never for untrusted user text); without it, such text is
    /// tokenized like any other. User-defined tokens are always recognised (llama.cpp's rule).
    /// Bytes the vocabulary has no token for (SmolLM2: 21 control and never-valid bytes such as
    /// U+0004) are dropped, so only such texts do not round-trip.
    public func encode(_ text: String, parseSpecial: Bool = false) -> [Int32] {
        let scan = ScalarScan(text)
        let bytes = Array(text.utf8)
        var output: [Int32] = []
        output.reserveCapacity(bytes.count / 3 + 1)
        var pieces: [Range<Int>] = []
        let fragments: [SpecialTokenMatcher.Fragment] = specialMatcher.isEmpty
            ? [.text(0 ..< scan.count)]
            : specialMatcher.split(scan.values, parseSpecial: parseSpecial)
        for fragment in fragments {
            switch fragment {
            case .special(let id):
                output.append(id)
            case .text(let range):
                pieces.removeAll(keepingCapacity: true)
                preTokenizer.appendPieces(of: scan, in: range, to: &pieces)
                for piece in pieces { encodePiece(bytes[scan.byteRange(piece)], into: &output) }
            }
        }
        return output
    }

    /// The text of `ids`. Byte sequences that are not valid UTF-8 become U+FFFD. With
    /// `skipSpecial`, control tokens (`<|im_end|>` ...) contribute nothing.
    public func decode(_ ids: [Int32], skipSpecial: Bool = false) throws(TokenizerError) -> String {
        String(decoding: try bytes(of: ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// The raw bytes of `ids` (what `decode` turns into a string).
    public func bytes(of ids: [Int32], skipSpecial: Bool = false) throws(TokenizerError) -> [UInt8] {
        var output: [UInt8] = []
        for id in ids { try appendBytes(of: id, skipSpecial: skipSpecial, to: &output) }
        return output
    }

    /// Appends the bytes of one token to `output`.
    func appendBytes(of id: Int32, skipSpecial: Bool, to output: inout [UInt8]) throws(TokenizerError) {
        guard id >= 0, Int(id) < vocabularySize else { throw .unknownTokenID(id) }
        if skipSpecial, types[Int(id)] == .control { return }
        decodeTable.append(Int(id), to: &output)
    }

    /// The vocabulary string of `id` (byte-level form, e.g. `Ġworld`), or nil outside the vocabulary.
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < vocabularySize ? tokens[Int(id)] : nil
    }

    /// The id of a vocabulary string (byte-level form), if it is one.
    public func id(for token: String) -> Int32? { idsByToken[token] }

    /// The type of `id`, or nil outside the vocabulary.
    public func tokenType(of id: Int32) -> TokenType? {
        id >= 0 && Int(id) < vocabularySize ? types[Int(id)] : nil
    }

    /// Whether `id` is a control token such as `<|im_end|>`.
    public func isControl(_ id: Int32) -> Bool { tokenType(of: id) == .control }

    private func encodePiece(_ bytes: ArraySlice<UInt8>, into output: inout [Int32]) {
        guard bytes.count > 1, bytes.count <= PieceCache.maximumPieceLength else {
            merger.merge(bytes, into: &output)
            return
        }
        let key = Array(bytes)
        if let cached = cache.withLock({ $0.ids(for: key) }) {
            output.append(contentsOf: cached)
            return
        }
        let start = output.count
        merger.merge(bytes, into: &output)
        let ids = Array(output[start...])
        cache.withLock { $0.insert(ids, for: key) }
    }
}

/// Recently merged pieces. Bounded: cleared when full (a cheap policy that keeps the hot words of
/// the current traffic without tracking recency).
struct PieceCache: ~Copyable {
    static let maximumPieceLength = 64
    static let capacity = 1 << 16
    private var entries: [[UInt8]: [Int32]] = [:]

    func ids(for key: [UInt8]) -> [Int32]? { entries[key] }

    mutating func insert(_ ids: [Int32], for key: [UInt8]) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = ids
    }
}
