import ModelFiles

/// A small Llama model with seeded random weights, written as a GGUF file with the ModelFiles
/// writer. Tests use it for structural checks (paged vs contiguous, chunked prefill, batching,
/// swapping, bad inputs) that would be slow on the real model; the fields can be bent to
/// produce broken files (a missing tensor, a wrong shape, an unsupported type).
public struct SyntheticLlama: Sendable {
    public var layerCount = 2
    public var embeddingLength = 128
    public var feedForwardLength = 160
    public var headCount = 4
    public var kvHeadCount = 2
    /// Not a multiple of four on purpose: the packed matrices then carry padding rows.
    public var vocabularySize = 70
    public var contextLength = 256
    public var ropeBase: Float = 10_000
    public var rmsEpsilon: Float = 1e-5
    public var architecture = "llama"
    public var embeddingType: GGMLType = .q8_0
    public var linearType: GGMLType = .q4_1
    /// When set, the file has an `output.weight` LM head of this type (else embeddings are tied).
    public var outputType: GGMLType?
    public var seed: UInt64 = 1
    /// Tensors left out of the file.
    public var omittedTensors: Set<String> = []
    /// Tensors written with another shape (GGUF order, `ne0` first).
    public var shapeOverrides: [String: [Int]] = [:]

    public init() {}

    /// The GGUF file's bytes.
    public func bytes() throws(GGUFError) -> [UInt8] {
        var writer = GGUFWriter()
        let prefix = architecture
        writer.setMetadata("general.architecture", .string(architecture))
        writer.setMetadata("general.name", .string("synthetic-llama"))
        writer.setMetadata("\(prefix).block_count", .uint32(UInt32(layerCount)))
        writer.setMetadata("\(prefix).embedding_length", .uint32(UInt32(embeddingLength)))
        writer.setMetadata("\(prefix).feed_forward_length", .uint32(UInt32(feedForwardLength)))
        writer.setMetadata("\(prefix).attention.head_count", .uint32(UInt32(headCount)))
        writer.setMetadata("\(prefix).attention.head_count_kv", .uint32(UInt32(kvHeadCount)))
        writer.setMetadata("\(prefix).context_length", .uint32(UInt32(contextLength)))
        writer.setMetadata("\(prefix).rope.freq_base", .float32(ropeBase))
        writer.setMetadata("\(prefix).attention.layer_norm_rms_epsilon", .float32(rmsEpsilon))
        var random = SplitMix(seed: seed)
        let d = embeddingLength, kv = kvHeadCount * (embeddingLength / max(1, headCount))
        try add(&writer, "token_embd.weight", [d, vocabularySize], embeddingType, scale: 1, &random)
        try add(&writer, "output_norm.weight", [d], .f32, scale: 0.2, offset: 1, &random)
        if let outputType { try add(&writer, "output.weight", [d, vocabularySize], outputType, scale: 1, &random) }
        for layer in 0..<layerCount {
            let p = "blk.\(layer)."
            try add(&writer, p + "attn_norm.weight", [d], .f32, scale: 0.2, offset: 1, &random)
            try add(&writer, p + "attn_q.weight", [d, d], linearType, scale: 2, &random)
            try add(&writer, p + "attn_k.weight", [d, kv], linearType, scale: 2, &random)
            try add(&writer, p + "attn_v.weight", [d, kv], linearType, scale: 2, &random)
            try add(&writer, p + "attn_output.weight", [d, d], linearType, scale: 2, &random)
            try add(&writer, p + "ffn_norm.weight", [d], .f32, scale: 0.2, offset: 1, &random)
            try add(&writer, p + "ffn_gate.weight", [d, feedForwardLength], linearType, scale: 2, &random)
            try add(&writer, p + "ffn_up.weight", [d, feedForwardLength], linearType, scale: 2, &random)
            try add(&writer, p + "ffn_down.weight", [feedForwardLength, d], linearType, scale: 2, &random)
        }
        return try writer.serialize()
    }

    /// The file, opened from memory.
    public func file() throws(GGUFError) -> GGUFFile { try GGUFFile(bytes: bytes(), name: "synthetic-llama.gguf") }

    /// The model, loaded and packed.
    public func model() throws -> LlamaModel { try LlamaModel(file: file()) }

    /// Adds a tensor of uniform values in `offset ± scale/√ne0` (`offset ± scale` for vectors).
    private func add(
        _ writer: inout GGUFWriter, _ name: String, _ shape: [Int], _ type: GGMLType, scale: Float, offset: Float = 0,
        _ random: inout SplitMix
    ) throws(GGUFError) {
        guard !omittedTensors.contains(name) else { return }
        let actual = shapeOverrides[name] ?? shape
        let count = actual.reduce(1, *)
        let spread = actual.count > 1 ? scale / Float(actual[0]).squareRoot() : scale
        let values = (0..<count).map { _ in offset + spread * random.nextSigned() }
        try writer.addTensor(name: name, shape: actual, values: values, as: type)
    }
}

/// SplitMix64: a tiny seeded generator for reproducible synthetic weights.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func nextSigned() -> Float { Float(Double(next() >> 11) * 0x1.0p-52 - 1) }
}
