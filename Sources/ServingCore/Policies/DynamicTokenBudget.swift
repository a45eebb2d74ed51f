/// AugServe's per-iteration token budget (SPEC §6, our formulation):
/// `B = clamp((F + γ·P − R) / κ, Bmin, Bmax)`, smoothed `B ← (1−η)·B_prev + η·B`, where `F` is
/// free KV tokens, `P` tokens held by preserved paused requests (reclaimable), `R` the tokens the
/// running decodes will need over the next `lookahead` iterations. `Bmax` is the largest batch
/// whose modelled iteration time (with the current decode context) stays under half the per-token
/// latency objective, so prefill chunks never push decodes past their SLO; if even `Bmin` exceeds
/// it, `Bmin` wins (progress over latency).
struct DynamicTokenBudget {
    let parameters: AugServeParameters
    var cost: IterationCostModel
    var normalizedLatencyObjective: Duration
    private(set) var smoothed: Double?

    init(parameters: AugServeParameters, cost: IterationCostModel, normalizedLatencyObjective: Duration) {
        self.parameters = parameters
        self.cost = cost
        self.normalizedLatencyObjective = normalizedLatencyObjective
    }

    /// The largest batch (tokens) whose iteration stays under half the per-token objective, with
    /// `sampledSequences` sequences sampling in it.
    func maxBudget(decodeContextTokens: Int, sampledSequences: Int = 0) -> Int {
        let room = normalizedLatencyObjective.seconds * parameters.maxBudgetObjectiveFraction - cost.fixed.seconds
            - cost.perContextToken.seconds * Double(decodeContextTokens) - cost.perSampledSequence.seconds * Double(sampledSequences)
        let tokens = (room / cost.perToken.seconds + 1e-6).rounded(.down)
        // Bounded before the conversion: a tiny `a` or a huge objective must not trap (NaN → the cap).
        let cap = Double(SchedulerLimits.maxTokenBudget)
        return max(parameters.minBudget, Int(tokens < cap ? max(0, tokens) : cap))
    }

    mutating func next(freeTokens: Int, preservedTokens: Int, runningDecodes: Int, decodeContextTokens: Int) -> Int {
        let reserve = Double(runningDecodes * parameters.decodeLookahead)
        let raw = (Double(freeTokens) + parameters.gamma * Double(preservedTokens) - reserve) / parameters.kappa
        // The running decodes and one admitted prefill sample in the iteration.
        let upper = Double(maxBudget(decodeContextTokens: decodeContextTokens, sampledSequences: runningDecodes + 1))
        let clamped = min(max(raw, Double(parameters.minBudget)), upper)
        let value = smoothed.map { (1 - parameters.eta) * $0 + parameters.eta * clamped } ?? clamped
        smoothed = value
        return Int(value.rounded())
    }
}
