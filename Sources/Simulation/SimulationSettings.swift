import Measurement
import ServingCore

/// One simulated run's configuration, validated once.
public struct SimulationSettings: Sendable {
    public var policy: PolicyConfiguration
    public var hardware: SimulatedHardware
    /// Tokens per KV block (16).
    public var blockSize = 16
    /// The static token budget; nil takes the policy's default (vLLM 2048, InferCept 384).
    public var maxBatchedTokenCount: Int?
    /// vLLM's `max_num_seqs` (256).
    public var maxRunningRequestCount = 256
    /// The model's context limit (InferCept's harness: 2048).
    public var maxContextLength = 2048
    /// Arrivals happen during `[0, window)`.
    public var window: Duration
    /// After the window, the run drains until every request finished or this much time passed.
    public var maxDrain: Duration
    public var slo: SLOConfig
    /// Check the core's invariants after every step (slow; for debugging and tests).
    public var checksInvariants = false

    public init(policy: PolicyConfiguration, hardware: SimulatedHardware, window: Duration, maxDrain: Duration? = nil, slo: SLOConfig? = nil) {
        self.policy = policy
        self.hardware = hardware
        self.window = window
        self.maxDrain = maxDrain ?? window
        self.slo = slo ?? SLOConfig(singleIterationTime: hardware.cost.singleIterationTime)
    }

    public var budget: Int { maxBatchedTokenCount ?? policy.kind.defaultMaxBatchedTokenCount }

    /// The most device (or host) KV blocks one simulated run keeps (16,777,216: 268 M tokens in
    /// blocks of 16, far above any preset; every block costs the core memory for its bookkeeping).
    public static let maxSimulatedBlockCount = 1 << 24

    public func engineConfiguration() -> EngineConfiguration {
        var policy = self.policy
        // Every swapping policy uses this hardware's budget (InferCept's fit where it was published).
        policy.swapBudget = hardware.swapBudget
        policy.augserve.ttftObjective = slo.maxTTFT
        policy.augserve.normalizedLatencyObjective = slo.maxNormalizedLatency
        return EngineConfiguration(
            policy: policy,
            cache: hardware.cacheConfiguration(blockSize: blockSize, prefixCaching: policy.usesPrefixCache),
            limits: SchedulerLimits(
                maxBatchedTokenCount: budget, maxRunningRequestCount: maxRunningRequestCount,
                maxContextLength: maxContextLength),
            cost: hardware.cost)
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(window > .zero, "window", window, "must be > 0")
        try ConfigurationError.require(maxDrain >= .zero, "maxDrain", maxDrain, "must be ≥ 0")
        try ConfigurationError.require(blockSize > 0 && blockSize <= 4096, "cache.blockSize", blockSize, "must be in 1...4096")
        let configuration = engineConfiguration()
        // The simulator keeps every block's bookkeeping in memory (about 30 bytes a block).
        try ConfigurationError.require(
            configuration.cache.deviceBlockCount <= Self.maxSimulatedBlockCount, "cache.deviceBlockCount",
            configuration.cache.deviceBlockCount,
            "the simulator holds at most \(Self.maxSimulatedBlockCount) KV blocks (\(hardware.kvCapacityTokenCount) KV tokens "
                + "in blocks of \(blockSize)); use less memory or larger blocks")
        try ConfigurationError.require(
            configuration.cache.hostBlockCount <= Self.maxSimulatedBlockCount, "cache.hostBlockCount",
            configuration.cache.hostBlockCount,
            "the simulator holds at most \(Self.maxSimulatedBlockCount) host blocks (\(hardware.hostSwapTokenCount) host swap "
                + "tokens in blocks of \(blockSize)); use less host swap memory or larger blocks")
        try configuration.validate()
        do { try slo.validate() } catch {
            throw ConfigurationError(field: "slo", value: "\(slo)", requirement: "\(error)")
        }
    }
}
