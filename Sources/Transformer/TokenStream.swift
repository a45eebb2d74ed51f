/// Generates one sequence token by token over its own paged cache (blocks 0, 1, … in order): the
/// prompt is prefilled in one pass, then every step feeds the last sampled token.
public struct TokenStream {
    public let pass: ForwardPass
    public private(set) var tokens: [Int32]
    private var computed = 0
    private let maxTokens: Int
    private var generated = 0

    public init(model: LlamaModel, promptIDs: [Int32], maxTokens: Int, threads: Int = 2, blockSize: Int = 16) throws(TransformerError) {
        let h = model.hyperparameters
        let capacity = min(h.contextLength, promptIDs.count + max(0, maxTokens))
        let cache = PagedKVCache(
            blockCount: (capacity + blockSize - 1) / blockSize, blockSize: blockSize, layerCount: h.layerCount,
            kvDimension: h.kvDimension)
        pass = try ForwardPass(model: model, cache: cache, threads: threads)
        tokens = promptIDs
        self.maxTokens = min(max(0, maxTokens), h.contextLength - promptIDs.count)
    }

    /// The next token, or nil once `maxTokens` were generated or the context is full.
    public mutating func next(_ settings: SamplerSettings) throws(TransformerError) -> Int32? {
        guard generated < maxTokens, !tokens.isEmpty else { return nil }
        let table = (0..<pass.cache.blockCount).map { Int32($0) }
        let logits = try pass.run([
            BatchSequence(tokens: Array(tokens[computed...]), startPosition: computed, blockTable: table, wantsLogits: true)
        ])
        computed = tokens.count
        guard let row = logits.first else { return nil }
        let token = Sampler.sample(row, settings: settings, position: tokens.count)
        tokens.append(token)
        generated += 1
        return token
    }
}
