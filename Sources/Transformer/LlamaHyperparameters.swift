import ModelFiles

/// The shape of a Llama-family model, read from GGUF metadata (`llama.block_count`, ...).
public struct LlamaHyperparameters: Sendable, Equatable {
    /// Decoder blocks (`block_count`).
    public var layerCount: Int
    /// Width of the residual stream (`embedding_length`).
    public var embeddingLength: Int
    /// Hidden width of the SwiGLU feed-forward network (`feed_forward_length`).
    public var feedForwardLength: Int
    /// Query heads (`attention.head_count`).
    public var headCount: Int
    /// Key/value heads (`attention.head_count_kv`; grouped-query attention when fewer).
    public var kvHeadCount: Int
    /// Dimension of one head (`attention.key_length`, default `embedding_length / head_count`).
    public var headDimension: Int
    /// Longest sequence the model supports (`context_length`).
    public var contextLength: Int
    /// Rows of the token embedding.
    public var vocabularySize: Int
    /// RoPE base θ (`rope.freq_base`).
    public var ropeBase: Float
    /// RMSNorm ε (`attention.layer_norm_rms_epsilon`).
    public var rmsEpsilon: Float

    /// Width of K and V rows.
    public var kvDimension: Int { kvHeadCount * headDimension }
    /// Query heads per KV head (query head `h` reads KV head `h / groupSize`).
    public var groupSize: Int { headCount / kvHeadCount }

    /// Reads the hyperparameters of the architecture named by `general.architecture`.
    public init(metadata: GGUFMetadata, vocabularySize: Int) throws(TransformerError) {
        do {
            let arch = try metadata.string("general.architecture")
            guard arch == "llama" else { throw TransformerError.unsupportedArchitecture(arch) }
            layerCount = try metadata.int("\(arch).block_count")
            embeddingLength = try metadata.int("\(arch).embedding_length")
            feedForwardLength = try metadata.int("\(arch).feed_forward_length")
            headCount = try metadata.int("\(arch).attention.head_count")
            kvHeadCount = try metadata.int("\(arch).attention.head_count_kv", default: headCount)
            let defaultHead = headCount > 0 ? embeddingLength / headCount : 0
            headDimension = try metadata.int("\(arch).attention.key_length", default: defaultHead)
            let valueLength = try metadata.int("\(arch).attention.value_length", default: headDimension)
            let ropeDimensions = try metadata.int("\(arch).rope.dimension_count", default: headDimension)
            contextLength = try metadata.int("\(arch).context_length", default: 2048)
            ropeBase = try metadata.float("\(arch).rope.freq_base", default: 10_000)
            rmsEpsilon = try metadata.float("\(arch).attention.layer_norm_rms_epsilon", default: 1e-5)
            guard valueLength == headDimension else { throw TransformerError.badHyperparameter(key: "attention.value_length", value: "\(valueLength)") }
            guard ropeDimensions == headDimension else { throw TransformerError.badHyperparameter(key: "rope.dimension_count", value: "\(ropeDimensions)") }
        } catch let error as GGUFError {
            throw .file(error)
        } catch let error as TransformerError {
            throw error
        } catch {
            throw .badHyperparameter(key: "metadata", value: "\(error)")
        }
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
        try require(headCount > 0, "attention.head_count", headCount)
        try require(kvHeadCount > 0 && headCount % kvHeadCount == 0, "attention.head_count_kv", kvHeadCount)
        try require(headDimension > 0 && headDimension % 32 == 0, "head dimension", headDimension)
        try require(contextLength > 0 && contextLength <= 1 << 20, "context_length", contextLength)
        try require(vocabularySize > 0 && vocabularySize <= Int(Int32.max), "vocabulary size", vocabularySize)
        guard ropeBase > 0, ropeBase.isFinite else { throw .badHyperparameter(key: "rope.freq_base", value: "\(ropeBase)") }
        guard rmsEpsilon > 0, rmsEpsilon.isFinite else {
            throw .badHyperparameter(key: "attention.layer_norm_rms_epsilon", value: "\(rmsEpsilon)")
        }
    }
}
