import ServingCore

/// Facts about a model that the cost model needs (fp16 weights and KV).
public struct ModelFacts: Sendable, Equatable, Codable {
    public var name: String
    public var parameterCount: Double
    public var layerCount: Int
    /// KV bytes per token for the whole model (all layers, K and V, fp16).
    public var kvBytesPerToken: Int

    public init(name: String, parameterCount: Double, layerCount: Int, kvBytesPerToken: Int) {
        self.name = name
        self.parameterCount = parameterCount
        self.layerCount = layerCount
        self.kvBytesPerToken = kvBytesPerToken
    }

    /// KV bytes per token from the attention shape: `2 (K,V) · layers · kvHeads · headDim · 2 bytes`.
    public init(name: String, parameterCount: Double, layerCount: Int, kvHeadCount: Int, headDimension: Int) {
        self.init(
            name: name, parameterCount: parameterCount, layerCount: layerCount,
            kvBytesPerToken: 2 * layerCount * kvHeadCount * headDimension * 2)
    }

    public var weightBytes: Double { parameterCount * 2 }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(parameterCount > 0 && parameterCount.isFinite, "model.parameterCount", parameterCount, "must be > 0")
        try ConfigurationError.require(layerCount > 0, "model.layerCount", layerCount, "must be > 0")
        try ConfigurationError.require(
            parameterCount <= Self.maxParameterCount, "model.parameterCount", parameterCount, "must be at most 1e15")
        try ConfigurationError.require(
            kvBytesPerToken > 0 && kvBytesPerToken <= Self.maxKVBytesPerToken, "model.kvBytesPerToken", kvBytesPerToken,
            "must be in 1...\(Self.maxKVBytesPerToken)")
    }

    /// Bounds far above any model, so the derived costs stay representable.
    public static let maxParameterCount = 1e15
    public static let maxKVBytesPerToken = 1 << 30
}

/// Facts about one accelerator and the host it swaps to.
public struct AcceleratorFacts: Sendable, Equatable, Codable {
    public var name: String
    public var memoryBytes: Double
    /// Memory bandwidth, bytes per second.
    public var memoryBandwidth: Double
    /// Dense fp16 FLOP/s.
    public var fp16FLOPS: Double
    /// Host-link (PCIe) bandwidth, bytes per second, per accelerator.
    public var hostLinkBandwidth: Double
    /// Host memory reserved for swapped KV, bytes (for the whole server).
    public var hostSwapBytes: Double

    public init(name: String, memoryBytes: Double, memoryBandwidth: Double, fp16FLOPS: Double, hostLinkBandwidth: Double, hostSwapBytes: Double) {
        self.name = name
        self.memoryBytes = memoryBytes
        self.memoryBandwidth = memoryBandwidth
        self.fp16FLOPS = fp16FLOPS
        self.hostLinkBandwidth = hostLinkBandwidth
        self.hostSwapBytes = hostSwapBytes
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(
            memoryBytes > 0 && memoryBytes <= Self.maxMemoryBytes, "accelerator.memoryBytes", memoryBytes, "must be > 0 and at most 1e15 (1 PB)")
        // Rates outside these bounds (far beyond any hardware) would make modelled times unrepresentable.
        for (field, value, limit) in [
            ("accelerator.memoryBandwidth", memoryBandwidth, "1e15"), ("accelerator.fp16FLOPS", fp16FLOPS, "1e21"),
            ("accelerator.hostLinkBandwidth", hostLinkBandwidth, "1e15"),
        ] {
            try ConfigurationError.require(
                value >= 1e6 && value <= Double(limit)!, field, value, "must be a rate in 1e6...\(limit) per second")
        }
        try ConfigurationError.require(
            hostSwapBytes >= 0 && hostSwapBytes <= Self.maxMemoryBytes, "accelerator.hostSwapBytes", hostSwapBytes,
            "must be ≥ 0 and at most 1e15 (1 PB)")
    }

    /// The most device or host memory a facts file may claim (a petabyte: far above any device,
    /// and every token count derived from it fits an `Int`).
    public static let maxMemoryBytes = 1e15

    static let gib = 1024.0 * 1024 * 1024
    public static let a100_80GB = AcceleratorFacts(
        name: "A100-80GB", memoryBytes: 80e9, memoryBandwidth: 2.0e12, fp16FLOPS: 312e12, hostLinkBandwidth: 10e9, hostSwapBytes: 128 * gib)
    public static let a100_40GB = AcceleratorFacts(
        name: "A100-40GB", memoryBytes: 40e9, memoryBandwidth: 1.55e12, fp16FLOPS: 312e12, hostLinkBandwidth: 10e9, hostSwapBytes: 64 * gib)
    public static let rtx4090 = AcceleratorFacts(
        name: "RTX 4090", memoryBytes: 24e9, memoryBandwidth: 1.0e12, fp16FLOPS: 165e12, hostLinkBandwidth: 13e9, hostSwapBytes: 64 * gib)
    public static let h800 = AcceleratorFacts(
        name: "H800-80GB", memoryBytes: 80e9, memoryBandwidth: 3.35e12, fp16FLOPS: 989e12, hostLinkBandwidth: 25e9, hostSwapBytes: 128 * gib)
}

extension ModelFacts {
    public static let gptJ6B = ModelFacts(name: "GPT-J-6B", parameterCount: 6.05e9, layerCount: 28, kvHeadCount: 16, headDimension: 256)
    public static let vicuna13B = ModelFacts(name: "Vicuna-13B", parameterCount: 13e9, layerCount: 40, kvHeadCount: 40, headDimension: 128)
    public static let opt13B = ModelFacts(name: "OPT-13B", parameterCount: 12.9e9, layerCount: 40, kvHeadCount: 40, headDimension: 128)
    public static let llama3_70B = ModelFacts(name: "Llama-3-70B", parameterCount: 70.6e9, layerCount: 80, kvHeadCount: 8, headDimension: 128)
}
