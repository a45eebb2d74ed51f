import ModelFiles

extension Tokenizer {
    /// Builds the tokenizer a GGUF file describes: `tokenizer.ggml.model` (must be `gpt2`),
    /// `tokenizer.ggml.pre`, `tokens`, `merges`, `token_type` (optional) and the optional
    /// `bos_token_id`, `eos_token_id`, `padding_token_id`, `unknown_token_id`.
    public convenience init(metadata: GGUFMetadata) throws(TokenizerError) {
        let model = try Self.read { () throws(GGUFError) in try metadata.string("tokenizer.ggml.model") }
        guard model == "gpt2" else { throw .unsupportedModel(model) }
        let preName = try Self.read { () throws(GGUFError) in try metadata.string("tokenizer.ggml.pre", default: "default") }
        let tokens = try Self.read { () throws(GGUFError) in try metadata.stringArray("tokenizer.ggml.tokens") }
        let merges = try Self.read { () throws(GGUFError) in try metadata.stringArray("tokenizer.ggml.merges") }
        try self.init(
            tokens: tokens, tokenTypes: try Self.tokenTypes(in: metadata), merges: merges,
            preTokenizer: try PreTokenizer.named(preName), specialTokenIDs: try Self.specialTokenIDs(in: metadata))
    }

    /// Builds the tokenizer of a GGUF file.
    public convenience init(file: GGUFFile) throws(TokenizerError) {
        try self.init(metadata: file.metadata)
    }

    private static func tokenTypes(in metadata: GGUFMetadata) throws(TokenizerError) -> [TokenType]? {
        let key = "tokenizer.ggml.token_type"
        guard metadata.contains(key) else { return nil }
        let values = try read { () throws(GGUFError) in try metadata.intArray(key) }
        var types: [TokenType] = []
        types.reserveCapacity(values.count)
        for (id, value) in values.enumerated() {
            guard let type = Int32(exactly: value).flatMap(TokenType.init(rawValue:)) else {
                throw .invalidTokenType(id: id, value: value)
            }
            types.append(type)
        }
        return types
    }

    private static func specialTokenIDs(in metadata: GGUFMetadata) throws(TokenizerError) -> SpecialTokenIDs {
        func id(_ name: String) throws(TokenizerError) -> Int32? {
            let key = "tokenizer.ggml.\(name)_token_id"
            guard metadata.contains(key) else { return nil }
            let value = try read { () throws(GGUFError) in try metadata.int(key) }
            guard let id = Int32(exactly: value) else {
                throw .specialTokenOutOfRange(field: key, id: value, vocabularySize: Int(Int32.max))
            }
            return id
        }
        return SpecialTokenIDs(bos: try id("bos"), eos: try id("eos"), padding: try id("padding"), unknown: try id("unknown"))
    }

    private static func read<T>(_ body: () throws(GGUFError) -> T) throws(TokenizerError) -> T {
        do {
            return try body()
        } catch {
            throw .metadata(error)
        }
    }
}
