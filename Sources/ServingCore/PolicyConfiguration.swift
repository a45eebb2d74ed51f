/// The scheduling policies the engine offers (SPEC §4).
public enum PolicyKind: String, Sendable, Equatable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// FCFS; a call ends the request, which re-enters the tail of the queue with its whole context.
    case vllm
    /// As `vllm`, with automatic prefix caching so a resume re-uses what was not evicted.
    case vllmAPC = "vllm-apc"
    /// FCFS by original arrival; min-waste Preserve/Discard/Swap with a swap budget (InferCept).
    case infercept
    /// Two-stage value scheduling with a dynamic token budget (the paper).
    case augserve

    public var description: String { rawValue }

    /// The static token budget each policy uses by default (SPEC §4).
    public var defaultMaxBatchedTokenCount: Int {
        switch self {
        case .vllm, .vllmAPC: 2048
        case .infercept: 384
        case .augserve: 2048
        }
    }
}

/// Which policy runs and its tunables. Every constant is a field with the documented default.
public struct PolicyConfiguration: Sendable, Equatable {
    public var kind: PolicyKind
    /// InferCept's swap budget split (used by `infercept` and `augserve`).
    public var swapBudget: SwapBudget
    /// InferCept's chunk limit `m` in the waste and swap-budget formulas (384).
    public var interceptChunkTokenCount: Int = 384
    /// AugServe's parameters (ignored by the baselines).
    public var augserve: AugServeParameters

    public init(
        kind: PolicyKind, swapBudget: SwapBudget = SwapBudget(), interceptChunkTokenCount: Int = 384,
        augserve: AugServeParameters = AugServeParameters()
    ) {
        self.kind = kind
        self.swapBudget = swapBudget
        self.interceptChunkTokenCount = interceptChunkTokenCount
        self.augserve = augserve
    }

    public func validate() throws(ConfigurationError) {
        try swapBudget.validate()
        try ConfigurationError.require(
            interceptChunkTokenCount > 0, "policy.interceptChunkTokenCount", interceptChunkTokenCount, "must be > 0")
        try augserve.validate()
    }
}

/// AugServe's parameters (SPEC §5–§6). Filled in by the AugServe policy.
public struct AugServeParameters: Sendable, Equatable {
    public init() {}
    public func validate() throws(ConfigurationError) {}
}
