/// Generates one sequence token by token over its own paged cache (blocks 0, 1, … in order):
/// the prompt is prefilled in one pass, then each step feeds the last sampled token. Used by
/// `augserve generate` and as the "run alone" reference in tests.
public struct TokenStream {
    /// The pass (and cache) this stream owns.
    public let pass: ForwardPass
    /// Prompt and generated tokens so far.
    public private(set) var tokens: [Int32]
    private var computed = 0
    private var remaining: Int
    private var sampler = Sampler()
    private let table: [Int32]

    /// A stream for `promptIDs` that generates at most `maxTokens` tokens (fewer when the
    /// context ends first).
    public init(
        model: LlamaModel, promptIDs: [Int32], maxTokens: Int, pool: WorkerPool, blockSize: Int = 16
    ) throws(TransformerError) {
        let h = model.hyperparameters
        guard !promptIDs.isEmpty else { throw .invalidBatch(sequence: 0, reason: "empty prompt") }
        guard promptIDs.count <= h.contextLength else {
            throw .invalidBatch(sequence: 0, reason: "prompt of \(promptIDs.count) tokens exceeds the context of \(h.contextLength)")
        }
        let capacity = min(h.contextLength, promptIDs.count + max(0, maxTokens))
        let blocks = max(1, (capacity + blockSize - 1) / blockSize)
        let cache = try PagedKVCache(
            blockCount: blocks, blockSize: blockSize, layerCount: h.layerCount, kvHeadCount: h.kvHeadCount,
            headDimension: h.headDimension)
        pass = try ForwardPass(model: model, cache: cache, pool: pool)
        tokens = promptIDs
        remaining = max(0, min(maxTokens, h.contextLength - promptIDs.count))
        table = (0..<blocks).map { Int32($0) }
    }

    /// The next token, or nil once `maxTokens` were generated or the context is full.
    public mutating func next(_ settings: SamplerSettings) throws(TransformerError) -> Int32? {
        guard remaining > 0 else { return nil }
        let fresh = Array(tokens[computed...])
        try pass.run([BatchSequence(tokens: fresh, startPosition: computed, blockTable: table, logits: .last)])
        computed = tokens.count
        let position = tokens.count
        guard let token = pass.withLogits(row: 0, { sampler.sample($0, settings: settings, position: position) }) else {
            return nil
        }
        tokens.append(token)
        remaining -= 1
        return token
    }
}
