/// KV memory layout. Validated once, before the core starts.
public struct CacheConfiguration: Sendable, Equatable, Codable {
    /// Tokens per KV block (default 16).
    public var blockSize: Int = 16
    /// Device KV blocks (from the cost model's KV capacity, or the CPU executor's pages).
    public var deviceBlockCount: Int
    /// Host swap space in blocks (0 disables swapping).
    public var hostBlockCount: Int = 0
    /// Keep freed blocks findable by content (vLLM's automatic prefix caching).
    public var prefixCachingEnabled = false

    public init(blockSize: Int = 16, deviceBlockCount: Int, hostBlockCount: Int = 0, prefixCachingEnabled: Bool = false) {
        self.blockSize = blockSize
        self.deviceBlockCount = deviceBlockCount
        self.hostBlockCount = hostBlockCount
        self.prefixCachingEnabled = prefixCachingEnabled
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(blockSize > 0 && blockSize <= 4096, "cache.blockSize", blockSize, "must be in 1...4096")
        try ConfigurationError.require(
            deviceBlockCount > 0 && deviceBlockCount <= BlockPool.maxBlockCount, "cache.deviceBlockCount", deviceBlockCount,
            "must be in 1...\(BlockPool.maxBlockCount) (block ids are 32-bit)")
        try ConfigurationError.require(
            hostBlockCount >= 0 && hostBlockCount <= HostSwapSpace.maxSlotCount, "cache.hostBlockCount", hostBlockCount,
            "must be in 0...\(HostSwapSpace.maxSlotCount) (host slot ids are 32-bit)")
    }
}

/// Limits every policy shares.
public struct SchedulerLimits: Sendable, Equatable, Codable {
    /// Tokens forwarded per iteration for static-budget policies (vLLM 2048, InferCept 384).
    public var maxBatchedTokenCount: Int
    /// Requests in the running set at once (vLLM's `max_num_seqs`, 256).
    public var maxRunningRequestCount: Int = 256
    /// The model's context limit: a request stops when its context reaches it.
    public var maxContextLength: Int = 2048

    public init(maxBatchedTokenCount: Int, maxRunningRequestCount: Int = 256, maxContextLength: Int = 2048) {
        self.maxBatchedTokenCount = maxBatchedTokenCount
        self.maxRunningRequestCount = maxRunningRequestCount
        self.maxContextLength = maxContextLength
    }

    /// The largest token budget of one iteration (static or dynamic, `Bmin` included): far above
    /// any batch a GPU runs, and small enough that budget arithmetic never overflows.
    public static let maxTokenBudget = 1 << 20
    /// The most iterations of decode growth AugServe may reserve per running request.
    public static let maxDecodeLookahead = 1 << 20

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(
            maxBatchedTokenCount > 0 && maxBatchedTokenCount <= Self.maxTokenBudget, "scheduler.maxBatchedTokenCount",
            maxBatchedTokenCount, "must be in 1...\(Self.maxTokenBudget)")
        try ConfigurationError.require(
            maxRunningRequestCount > 0, "scheduler.maxRunningRequestCount", maxRunningRequestCount, "must be > 0")
        try ConfigurationError.require(
            maxContextLength > 1, "scheduler.maxContextLength", maxContextLength, "must be > 1")
    }
}

/// InferCept's per-iteration swap budget (Appendix A): swap-in `a·m + b + F/2`, swap-out
/// `(1+a)·m + b − F/2` tokens, with `m` the chunk limit and `F` the free KV tokens. The total is
/// fixed; free memory shifts the split. GPT-J-6B on an A100: `a = 0.00462`, `b = 109`.
public struct SwapBudget: Sendable, Equatable, Codable {
    public var a: Double = 0.00462
    public var b: Double = 109

    public init(a: Double = 0.00462, b: Double = 109) {
        self.a = a
        self.b = b
    }

    /// The same split with `b` chosen so the total equals what the host link moves during one
    /// iteration of `chunkTokenCount` tokens (the rule the published constants follow).
    public static func derived(from cost: IterationCostModel, chunkTokenCount: Int, a: Double = 0.00462) -> SwapBudget {
        let iteration = cost.chunkSeconds(tokenCount: chunkTokenCount)
        let total = iteration * cost.swapBytesPerSecond / Double(cost.kvBytesPerToken)
        let b = (total - Double(chunkTokenCount) * (1 + 2 * a)) / 2
        // Clamped into the validated range: a link too slow for one chunk gives 0, an absurdly fast
        // one the bound (far above any KV cache), and a non-finite time the bound too.
        guard b.isFinite else { return SwapBudget(a: a, b: b.isNaN ? 0 : (b > 0 ? Self.maxB : 0)) }
        return SwapBudget(a: a, b: min(max(0, b), Self.maxB))
    }

    /// Swap-in plus swap-out tokens of one iteration, `(1+2a)·m + 2b` (free memory shifts only the split).
    public func totalTokenCount(chunkTokenCount m: Int) -> Int { Int((1 + 2 * a) * Double(m) + 2 * b) }

    /// (swap-in, swap-out) budgets in tokens for this iteration.
    public func split(chunkTokenCount m: Int, freeTokenCount: Int) -> (swapIn: Int, swapOut: Int) {
        let total = totalTokenCount(chunkTokenCount: m)
        let swapIn = min(total, max(0, Int(a * Double(m) + b + Double(freeTokenCount) / 2)))
        return (swapIn, total - swapIn)
    }

    /// The largest `b` (tokens), far above any KV cache.
    public static let maxB = 1e12

    public func validate() throws(ConfigurationError) {
        // Upper bounds keep the split's token counts (converted to `Int`) far from overflow.
        try ConfigurationError.require(a >= 0 && a <= 1000, "swapBudget.a", a, "must be in 0...1000")
        try ConfigurationError.require(b >= 0 && b <= Self.maxB, "swapBudget.b", b, "must be in 0...1e12")
    }
}

/// Everything the scheduling core needs. `validate()` runs once in `EngineCore.init`.
public struct EngineConfiguration: Sendable, Equatable {
    public var policy: PolicyConfiguration
    public var cache: CacheConfiguration
    public var limits: SchedulerLimits
    /// The cost model the policies reason with (waste, values, budget limits).
    public var cost: IterationCostModel
    /// Emit an event per sampled token (the live server streams them; the simulator does not need them).
    public var emitsTokenEvents = false
    /// The model's vocabulary size: prompt and returned token ids are checked against it at
    /// `submit` / `callReturned` (nil: not checked, e.g. the simulator's synthetic ids).
    public var vocabularySize: Int?

    public init(
        policy: PolicyConfiguration, cache: CacheConfiguration, limits: SchedulerLimits,
        cost: IterationCostModel, emitsTokenEvents: Bool = false, vocabularySize: Int? = nil
    ) {
        self.policy = policy
        self.cache = cache
        self.limits = limits
        self.cost = cost
        self.emitsTokenEvents = emitsTokenEvents
        self.vocabularySize = vocabularySize
    }

    public func validate() throws(ConfigurationError) {
        try cache.validate()
        try limits.validate()
        try cost.validate()
        try policy.validate()
        try ConfigurationError.require(
            policy.interceptChunkTokenCount <= SchedulerLimits.maxTokenBudget, "policy.interceptChunkTokenCount",
            policy.interceptChunkTokenCount, "must be in 1...\(SchedulerLimits.maxTokenBudget)")
        try ConfigurationError.require(
            policy.augserve.minBudget <= SchedulerLimits.maxTokenBudget, "augserve.minBudget", policy.augserve.minBudget,
            "must be in 1...\(SchedulerLimits.maxTokenBudget)")
        try ConfigurationError.require(
            policy.augserve.decodeLookahead <= SchedulerLimits.maxDecodeLookahead, "augserve.decodeLookahead",
            policy.augserve.decodeLookahead, "must be in 0...\(SchedulerLimits.maxDecodeLookahead)")
        if let vocabularySize {
            try ConfigurationError.require(vocabularySize > 0, "vocabularySize", vocabularySize, "must be > 0")
        }
        try ConfigurationError.require(
            cache.deviceBlockCount * cache.blockSize >= limits.maxContextLength,
            "cache.deviceBlockCount", cache.deviceBlockCount,
            "KV capacity (\(cache.deviceBlockCount * cache.blockSize) tokens) must hold one full context of \(limits.maxContextLength) tokens")
    }
}
