import ServingCore
import StructuredOutput
import Tokenization

/// What the server knows of the model it serves: its names, tokenizer, chat template and limits.
public struct ServedModel: Sendable {
    /// The name clients use (`model` in requests, `/v1/models`).
    public var name: String
    /// Where it was loaded from (the model list's `root`).
    public var root: String
    public var tokenizer: Tokenizer
    public var template: ChatTemplate
    /// The smaller of the model's context and the configured limit.
    public var maxContextLength: Int
    /// Tokens that end generation unless `ignore_eos`: EOS and the end of a chat turn.
    public var stopTokenIDs: [TokenID]
    /// Valid, ordinary token ids for trace-replay filler (a call's returned tokens).
    public var fillerTokens: [TokenID]
    /// The vocabulary's byte strings as a trie, for constrained decoding (control tokens excluded).
    public let trie: TokenTrie

    public init(name: String, root: String, tokenizer: Tokenizer, template: ChatTemplate, maxContextLength: Int) {
        self.name = name
        self.root = root
        self.tokenizer = tokenizer
        self.template = template
        self.maxContextLength = maxContextLength
        var stops = [tokenizer.specialTokenIDs.eos].compactMap { $0 }
        if let endOfTurn = tokenizer.id(for: "<|im_end|>"), !stops.contains(endOfTurn) { stops.append(endOfTurn) }
        stopTokenIDs = stops
        let filler = tokenizer.encode(" The result of the call is recorded here as plain text for the model to read.")
        fillerTokens = filler.isEmpty ? [0] : filler
        trie = TokenTrie(vocabulary: (0..<tokenizer.vocabularySize).map { index in
            let id = TokenID(index)
            return tokenizer.isControl(id) ? nil : try? tokenizer.bytes(of: [id])
        })
    }

    public var vocabularySize: Int { tokenizer.vocabularySize }
}
