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
    /// Derive the swap split from the cost model in force (`SwapBudget.derived`) instead of using
    /// `swapBudget` as given: the live engine sets this, so its split follows the fitted CPU cost
    /// model (calibration and every refit) the way the simulator derives one per hardware preset.
    public var swapBudgetFollowsCost = false
    /// Where InferCept's min-waste reads call durations: `oracle` (the trace), as in InferCept's
    /// experiments (the simulator's default); `history` on the live engine, where they are unknown.
    public var interceptPredictor: PredictorKind = .oracle
    /// AugServe's parameters (ignored by the baselines).
    public var augserve: AugServeParameters

    public init(
        kind: PolicyKind, swapBudget: SwapBudget = SwapBudget(), interceptChunkTokenCount: Int = 384,
        interceptPredictor: PredictorKind = .oracle, augserve: AugServeParameters = AugServeParameters()
    ) {
        self.kind = kind
        self.swapBudget = swapBudget
        self.interceptChunkTokenCount = interceptChunkTokenCount
        self.interceptPredictor = interceptPredictor
        self.augserve = augserve
    }

    /// The swap split a policy uses under `cost`: derived from it when `swapBudgetFollowsCost`,
    /// else the configured one.
    public func swapBudget(under cost: IterationCostModel) -> SwapBudget {
        swapBudgetFollowsCost ? SwapBudget.derived(from: cost, chunkTokenCount: interceptChunkTokenCount) : swapBudget
    }

    /// Whether a policy of this configuration reads the trace's truth (it can only replay traces).
    public var usesOracle: Bool {
        switch kind {
        case .vllm, .vllmAPC: false
        case .infercept: interceptPredictor == .oracle
        case .augserve: augserve.predictor == .oracle
        }
    }

    /// Whether the engine keeps freed blocks findable by content: vLLM-APC, and AugServe unless
    /// switched off (`--no-prefix-cache`).
    public var usesPrefixCache: Bool {
        kind == .vllmAPC || (kind == .augserve && augserve.usesPrefixCache)
    }

    public func validate() throws(ConfigurationError) {
        try swapBudget.validate()
        try ConfigurationError.require(
            interceptChunkTokenCount > 0, "policy.interceptChunkTokenCount", interceptChunkTokenCount, "must be > 0")
        try augserve.validate()
    }
}

/// Which predictor estimates request features for AugServe.
public enum PredictorKind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// Online statistics per tool and per request class (the default; works live).
    case history
    /// The trace's truth (simulation only): an upper bound for analysis.
    case oracle
}

/// AugServe's parameters (SPEC §5–§6), each with its documented default.
public struct AugServeParameters: Sendable, Equatable {
    /// Predictor behind Stage I and the call-duration estimates.
    public var predictor: PredictorKind = .history
    /// Stage I: rank by predicted space-time cost (off: every request costs the same, FCFS-like).
    public var usesStageOne = true
    /// Stage II: refine the cost with actuals, age by waiting time, guard against starvation.
    public var usesStageTwo = true
    /// SLO triage: admit requests that can still meet their objective before late ones.
    public var usesTriage = true
    /// Dynamic token budget (off: the static `maxBatchedTokenCount`).
    public var usesDynamicBudget = true
    /// `β`: weight of waiting time in the rank key `cost / (1 + β · wait / ttftSLO)`.
    public var beta = 1.0
    /// A request waiting longer than this is starving.
    public var starvationAfter: Duration = .seconds(30)
    /// `φ`: share of each iteration's admission budget guaranteed to starving requests.
    public var starvingShare = 0.2
    /// `γ`: weight of tokens held by preserved paused requests (reclaimable) in the budget.
    public var gamma = 0.5
    /// `κ`: divisor of the budget formula `(F + γ·P − R) / κ`.
    public var kappa = 4.0
    /// `η`: smoothing of the budget, `B ← (1−η)·B_prev + η·B`.
    public var eta = 0.5
    /// `Bmin`: the smallest budget.
    public var minBudget = 256
    /// `Bmax` keeps an iteration under this fraction of the per-token latency objective (SPEC §6: ½).
    public var maxBudgetObjectiveFraction = 0.5
    /// Iterations of decode growth `R` reserves for each running request.
    public var decodeLookahead = 8
    /// Admission keeps `R` tokens free for running decodes to grow into.
    public var reservesDecodeHeadroom = false
    /// Keep discarded contexts in the prefix cache (LRU) so a resume re-uses what was not evicted.
    public var usesPrefixCache = true
    /// Admission goes on past a request that does not fit (off: it stops there, as vLLM's and
    /// InferCept's FCFS admission does).
    public var skipsUnfitRequests = true
    /// Per-class fairness floor (our option, off by default): while a request class's recent SLO
    /// attainment (a moving average over its finished requests) is below this, its waiting
    /// requests go ahead of the rest of their triage tier. nil: off.
    public var classAttainmentFloor: Double?
    /// The TTFT objective triage and aging use (SPEC §7: 1 s).
    public var ttftObjective: Duration = .seconds(1)
    /// The normalized-latency objective; nil means 10 × the cost model's single-iteration time.
    public var normalizedLatencyObjective: Duration?

    public init() {}

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(beta >= 0 && beta.isFinite, "augserve.beta", beta, "must be ≥ 0")
        try ConfigurationError.require(starvationAfter > .zero, "augserve.starvationAfter", starvationAfter, "must be > 0")
        try ConfigurationError.require(starvingShare >= 0 && starvingShare <= 1, "augserve.starvingShare", starvingShare, "must be in 0...1")
        try ConfigurationError.require(gamma >= 0 && gamma.isFinite, "augserve.gamma", gamma, "must be ≥ 0")
        try ConfigurationError.require(kappa > 0 && kappa.isFinite, "augserve.kappa", kappa, "must be > 0")
        try ConfigurationError.require(eta > 0 && eta <= 1, "augserve.eta", eta, "must be in (0, 1]")
        try ConfigurationError.require(minBudget > 0, "augserve.minBudget", minBudget, "must be > 0")
        try ConfigurationError.require(
            maxBudgetObjectiveFraction > 0 && maxBudgetObjectiveFraction <= 4, "augserve.maxBudgetObjectiveFraction",
            maxBudgetObjectiveFraction, "must be in (0, 4]")
        try ConfigurationError.require(decodeLookahead >= 0, "augserve.decodeLookahead", decodeLookahead, "must be ≥ 0")
        try ConfigurationError.require(ttftObjective > .zero, "augserve.ttftObjective", ttftObjective, "must be > 0")
        if let floor = classAttainmentFloor {
            try ConfigurationError.require(floor > 0 && floor <= 1, "augserve.classAttainmentFloor", floor, "must be in (0, 1]")
        }
        if let objective = normalizedLatencyObjective {
            try ConfigurationError.require(objective > .zero, "augserve.normalizedLatencyObjective", objective, "must be > 0")
        }
    }
}
