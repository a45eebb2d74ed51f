import ServingCore

/// A profiled fit that overrides the roofline's `c` and `a` (InferCept published these), and
/// the per-sampled-sequence cost `w` where it was measured (`augserve profile`; absent: 0).
public struct ProfiledFit: Sendable, Equatable, Codable {
    public var fixed: Duration
    public var perToken: Duration
    public var perSampledSequence: Duration?
    public init(fixed: Duration, perToken: Duration, perSampledSequence: Duration? = nil) {
        self.fixed = fixed
        self.perToken = perToken
        self.perSampledSequence = perSampledSequence
    }
}

/// A model on a set of accelerators, from which the cost model is derived (SPEC §9).
public struct HardwarePreset: Sendable, Equatable, Codable {
    public var name: String
    public var model: ModelFacts
    public var accelerator: AcceleratorFacts
    /// Tensor-parallel degree: weights and KV are split over this many accelerators.
    public var tensorParallelism: Int
    public var fit: ProfiledFit?
    /// A published swap budget (InferCept's GPT-J-6B / A100 constants); nil derives one from this
    /// hardware's own link bandwidth and iteration time (`SwapBudget.derived`).
    public var publishedSwapBudget: SwapBudget?

    public init(
        name: String, model: ModelFacts, accelerator: AcceleratorFacts, tensorParallelism: Int = 1, fit: ProfiledFit? = nil,
        publishedSwapBudget: SwapBudget? = nil
    ) {
        self.name = name
        self.model = model
        self.accelerator = accelerator
        self.tensorParallelism = tensorParallelism
        self.fit = fit
        self.publishedSwapBudget = publishedSwapBudget
    }

    /// InferCept's chunk limit `m`, the iteration the swap budget is sized to (384 tokens).
    public static let swapBudgetChunkTokenCount = 384

    public func validate() throws(ConfigurationError) {
        try model.validate()
        try accelerator.validate()
        if let w = fit?.perSampledSequence {
            try ConfigurationError.require(w >= .zero, "fit.perSampledSequence", w, "must be ≥ 0")
        }
        try ConfigurationError.require(tensorParallelism >= 1 && tensorParallelism <= 64, "tensorParallelism", tensorParallelism, "must be in 1...64")
        let hardware = derive()
        try ConfigurationError.require(
            hardware.kvCapacityTokenCount > 0, "preset \(name)", hardware.kvCapacityTokenCount,
            "the weights leave no memory for KV cache (KV tokens)")
        // A derived time that is not representable (Duration.seconds gives 0 for it) is an input out of range.
        try ConfigurationError.require(
            hardware.cost.perToken > .zero, "accelerator.fp16FLOPS", accelerator.fp16FLOPS,
            "too large for model.parameterCount \(model.parameterCount): the per-token cost rounds to 0")
        try ConfigurationError.require(
            fit != nil || hardware.cost.fixed > .zero, "accelerator.memoryBandwidth", accelerator.memoryBandwidth,
            "too small for the model's weights: the iteration time is out of range")
        try hardware.swapBudget.validate()
    }

    /// `value` as an `Int`, saturating (NaN and negatives give 0): derived counts never trap.
    static func saturatingCount(_ value: Double) -> Int {
        guard value > 0 else { return 0 }
        return value < 9.0e18 ? Int(value) : Int.max
    }

    /// The roofline rule: per accelerator,
    /// `c = weight bytes / (0.8 · bandwidth) + 2.4 ms (+ 2 ms all-reduce when TP > 1)`,
    /// `a = 2 · parameters / (TP · 0.8 · FLOP/s)`, `k = KV bytes per token / (0.8 · bandwidth)`,
    /// KV capacity `(0.9 · memory − weight bytes − 1.5 GB) / KV bytes per token`; a profiled fit
    /// overrides `c` and `a`. Swap time is bytes over the host link (each accelerator swaps its
    /// own share over its own link). The swap budget is what the link moves during one iteration
    /// of InferCept's 384-token chunk, unless a published budget is given.
    public func derive() -> SimulatedHardware {
        let tp = Double(tensorParallelism)
        let weightBytesPerDevice = model.weightBytes / tp
        let kvBytesPerDevice = max(1, Self.saturatingCount((Double(model.kvBytesPerToken) / tp).rounded(.up)))
        let bandwidth = 0.8 * accelerator.memoryBandwidth
        let allReduce = tensorParallelism > 1 ? 0.002 : 0
        let fixed = fit?.fixed ?? .seconds(weightBytesPerDevice / bandwidth + 0.0024 + allReduce)
        let perToken = fit?.perToken ?? .seconds(2 * model.parameterCount / (tp * 0.8 * accelerator.fp16FLOPS))
        let perContext = Duration.seconds(Double(kvBytesPerDevice) / bandwidth)
        let kvBytes = 0.9 * accelerator.memoryBytes - weightBytesPerDevice - 1.5e9
        let cost = IterationCostModel(
            fixed: fixed, perToken: perToken, perContextToken: perContext,
            kvBytesPerToken: kvBytesPerDevice, swapBytesPerSecond: accelerator.hostLinkBandwidth,
            perSampledSequence: fit?.perSampledSequence ?? .zero)
        return SimulatedHardware(
            presetName: name, cost: cost,
            kvCapacityTokenCount: Self.saturatingCount(kvBytes / Double(kvBytesPerDevice)),
            hostSwapTokenCount: Self.saturatingCount(accelerator.hostSwapBytes / Double(max(1, model.kvBytesPerToken))),
            kvBytesPerToken: model.kvBytesPerToken,
            swapBudget: publishedSwapBudget ?? SwapBudget.derived(from: cost, chunkTokenCount: Self.swapBudgetChunkTokenCount))
    }
}

/// What the simulator runs against: iteration costs, device KV capacity and host swap capacity.
public struct SimulatedHardware: Sendable, Equatable, Codable {
    public var presetName: String
    public var cost: IterationCostModel
    public var kvCapacityTokenCount: Int
    public var hostSwapTokenCount: Int
    /// KV bytes per token of the whole model (all devices), for reporting swapped bytes.
    public var kvBytesPerToken: Int
    /// The per-iteration swap budget of this hardware, used by every policy that swaps.
    public var swapBudget: SwapBudget

    public init(
        presetName: String, cost: IterationCostModel, kvCapacityTokenCount: Int, hostSwapTokenCount: Int, kvBytesPerToken: Int,
        swapBudget: SwapBudget = SwapBudget()
    ) {
        self.presetName = presetName
        self.cost = cost
        self.kvCapacityTokenCount = kvCapacityTokenCount
        self.hostSwapTokenCount = hostSwapTokenCount
        self.kvBytesPerToken = kvBytesPerToken
        self.swapBudget = swapBudget
    }

    /// Swap tokens (in + out) per iteration at InferCept's 384-token chunk.
    public var swapTokensPerIteration: Int { swapBudget.totalTokenCount(chunkTokenCount: HardwarePreset.swapBudgetChunkTokenCount) }

    public func cacheConfiguration(blockSize: Int, prefixCaching: Bool) -> CacheConfiguration {
        CacheConfiguration(
            blockSize: blockSize, deviceBlockCount: blockSize > 0 ? kvCapacityTokenCount / blockSize : 0,
            hostBlockCount: blockSize > 0 ? hostSwapTokenCount / blockSize : 0, prefixCachingEnabled: prefixCaching)
    }
}

extension HardwarePreset {
    /// The paper's hardware (SPEC §9 table).
    public static let all: [HardwarePreset] = [
        HardwarePreset(
            name: "gptj-6b-a100", model: .gptJ6B, accelerator: .a100_80GB,
            fit: ProfiledFit(fixed: .milliseconds(10), perToken: .microseconds(46.3)),
            publishedSwapBudget: SwapBudget(a: 0.00462, b: 109)),
        HardwarePreset(name: "gptj-6b-rtx4090", model: .gptJ6B, accelerator: .rtx4090),
        HardwarePreset(name: "vicuna-13b-2xa100-40gb", model: .vicuna13B, accelerator: .a100_40GB, tensorParallelism: 2),
        HardwarePreset(
            name: "vicuna-13b-2xa100", model: .vicuna13B, accelerator: .a100_80GB, tensorParallelism: 2,
            fit: ProfiledFit(fixed: .microseconds(15400), perToken: .nanoseconds(27900))),
        HardwarePreset(name: "opt-13b-h800", model: .opt13B, accelerator: .h800),
        HardwarePreset(name: "llama3-70b-4xa100", model: .llama3_70B, accelerator: .a100_80GB, tensorParallelism: 4),
    ]

    public static func named(_ name: String) -> HardwarePreset? { all.first { $0.name == name } }
}
