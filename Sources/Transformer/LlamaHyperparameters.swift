import ModelFiles

/// The shape of a Llama-family model, read from GGUF metadata (`<arch>.block_count`, …).
public struct LlamaHyperparameters: Sendable, Equatable {
    public var layerCount: Int
    public var embeddingLength: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDimension: Int
    public var contextLength: Int
    public var vocabularySize: Int
    public var ropeBase: Float
    public var rmsEpsilon: Float

    public var kvDimension: Int { kvHeadCount * headDimension }
    /// Query heads per KV head (grouped-query attention).
    public var groupSize: Int { headCount / kvHeadCount }

    public init(metadata: GGUFMetadata, vocabularySize: Int) throws(TransformerError) {
        do {
            let arch = try metadata.string("general.architecture")
            guard arch == "llama" else { throw TransformerError.unsupportedArchitecture(arch) }
            layerCount = try metadata.int("\(arch).block_count")
            embeddingLength = try metadata.int("\(arch).embedding_length")
            feedForwardLength = try metadata.int("\(arch).feed_forward_length")
            headCount = try metadata.int("\(arch).attention.head_count")
            kvHeadCount = try metadata.int("\(arch).attention.head_count_kv", default: headCount)
            contextLength = try metadata.int("\(arch).context_length", default: 2048)
            ropeBase = try metadata.float("\(arch).rope.freq_base", default: 10_000)
            rmsEpsilon = try metadata.float("\(arch).attention.layer_norm_rms_epsilon", default: 1e-5)
        } catch let error as GGUFError {
            throw .file(error)
        } catch let error as TransformerError {
            throw error
        } catch {
            throw .badHyperparameter(key: "metadata", value: "\(error)")
        }
        headDimension = headCount > 0 ? embeddingLength / headCount : 0
        self.vocabularySize = vocabularySize
        try validate()
    }

    func validate() throws(TransformerError) {
        func require(_ ok: Bool, _ key: String, _ value: Int) throws(TransformerError) {
            if !ok { throw .badHyperparameter(key: key, value: "\(value)") }
        }
        try require(layerCount > 0 && layerCount <= 1024, "block_count", layerCount)
        try require(embeddingLength > 0 && embeddingLength % 32 == 0, "embedding_length", embeddingLength)
        try require(feedForwardLength > 0 && feedForwardLength % 32 == 0, "feed_forward_length", feedForwardLength)
        try require(headCount > 0 && embeddingLength % headCount == 0, "attention.head_count", headCount)
        try require(kvHeadCount > 0 && headCount % kvHeadCount == 0, "attention.head_count_kv", kvHeadCount)
        try require(headDimension % 2 == 0 && headDimension % 16 == 0, "head dimension", headDimension)
        try require(contextLength > 0, "context_length", contextLength)
        try require(vocabularySize > 0, "vocabulary size", vocabularySize)
    }
}
