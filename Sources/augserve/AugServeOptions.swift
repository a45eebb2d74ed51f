import ArgumentParser
import ServingCore

/// AugServe's tunables on the command line (they map onto `AugServeParameters`).
struct AugServeOptions: ParsableArguments {
    @Option(help: "AugServe predictor: history (online statistics, default) or oracle (the trace's truth).")
    var predictor: String = "history"

    @Flag(name: .customLong("no-stage1"), help: "Ablation: no Stage I value (every request costs the same; FCFS-like with aging).")
    var noStageOne = false

    @Flag(name: .customLong("no-stage2"), help: "Ablation: static Stage I order — no refinement, aging, triage or starvation guard.")
    var noStageTwo = false

    @Flag(help: "Ablation: no SLO triage tiers.")
    var noTriage = false

    @Flag(help: "Ablation: static token budget (--max-batched-tokens, default 2048) instead of the dynamic one.")
    var staticBudget = false

    @Option(help: "β: weight of waiting time in the rank key cost / (1 + β·wait/ttftSLO).")
    var beta: Double = 1

    @Option(help: "A request waiting longer than this is starving, e.g. 30s.")
    var starvationAfter: String = "30s"

    @Option(help: "φ: share of each iteration's admission budget guaranteed to starving requests.")
    var phi: Double = 0.2

    @Option(help: "γ: weight of preserved paused requests' tokens in the dynamic budget.")
    var gamma: Double = 0.5

    @Option(help: "κ: divisor of the dynamic budget (F + γ·P − R)/κ.")
    var kappa: Double = 4

    @Option(help: "η: smoothing of the dynamic budget.")
    var eta: Double = 0.5

    @Option(help: "Bmin: smallest dynamic budget, tokens.")
    var minBudget: Int = 256

    @Option(help: "Bmax keeps an iteration under this fraction of the per-token latency objective.")
    var maxBudgetFraction: Double = 0.5

    @Option(help: "Iterations of decode growth reserved per running request (the budget's R).")
    var lookahead: Int = 8

    @Flag(help: "Admission keeps R tokens free for running decodes to grow into.")
    var headroom = false

    @Flag(help: "Ablation: no prefix cache (discarded contexts are recomputed even if their blocks were never reused).")
    var noPrefixCache = false

    @Flag(help: "Ablation: admission stops at the first request that does not fit (FCFS-style) instead of skipping past it.")
    var noSkipAdmission = false

    @Option(help: "Per-class fairness floor in (0, 1]: a request class whose recent SLO attainment is below it is served ahead of its tier (default: off).")
    var classFloor: Double?

    func parameters() throws -> AugServeParameters {
        var parameters = AugServeParameters()
        guard let kind = PredictorKind(rawValue: predictor) else {
            throw ValidationError("unknown --predictor '\(predictor)' (known: history, oracle)")
        }
        parameters.predictor = kind
        parameters.usesStageOne = !noStageOne
        parameters.usesStageTwo = !noStageTwo
        parameters.usesTriage = !noTriage && !noStageTwo
        parameters.usesDynamicBudget = !staticBudget
        parameters.beta = beta
        parameters.starvationAfter = try SimulationRequest.duration(starvationAfter, option: "--starvation-after")
        parameters.starvingShare = phi
        parameters.gamma = gamma
        parameters.kappa = kappa
        parameters.eta = eta
        guard (1...SchedulerLimits.maxTokenBudget).contains(minBudget) else {
            throw ValidationError("invalid --min-budget \(minBudget): must be in 1...\(SchedulerLimits.maxTokenBudget)")
        }
        guard (0...SchedulerLimits.maxDecodeLookahead).contains(lookahead) else {
            throw ValidationError("invalid --lookahead \(lookahead): must be in 0...\(SchedulerLimits.maxDecodeLookahead)")
        }
        parameters.minBudget = minBudget
        parameters.decodeLookahead = lookahead
        parameters.maxBudgetObjectiveFraction = maxBudgetFraction
        parameters.reservesDecodeHeadroom = headroom
        parameters.usesPrefixCache = !noPrefixCache
        parameters.skipsUnfitRequests = !noSkipAdmission
        if let classFloor, !(classFloor > 0 && classFloor <= 1) {
            throw ValidationError("invalid --class-floor \(classFloor): must be in (0, 1]")
        }
        parameters.classAttainmentFloor = classFloor
        do { try parameters.validate() } catch { throw ValidationError("\(error)") }
        return parameters
    }
}
