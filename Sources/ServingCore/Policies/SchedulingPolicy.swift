/// The decisions that differ between policies. The core runs the same phases for every policy and
/// asks these hooks where they differ (SPEC §4). Implementations: `VLLMPolicy`, `InferceptPolicy`,
/// `AugServePolicy`.
protocol SchedulingPolicy: AnyObject {
    /// The queue waiting requests are admitted from.
    var waiting: WaitingQueue { get }
    /// Whether admission goes on past `request`, which did not fit (FCFS policies stop: head-of-line order).
    func continuesAfterMiss(_ request: Request, now: Duration) -> Bool
    /// Whether memory pressure swaps KV to host (else it discards / preempts by recompute).
    var swapsUnderPressure: Bool { get }

    /// The key that orders a request entering the waiting queue (lower is served first).
    func queueKey(for request: Request, entry: QueueEntry, now: Duration) -> Double
    func requestArrived(_ request: Request, core: EngineCore, now: Duration)
    /// Tokens that may be forwarded this iteration.
    func tokenBudget(core: EngineCore, now: Duration) -> Int
    /// Swap-in and swap-out budgets (tokens) for this iteration.
    func swapBudget(core: EngineCore) -> (swapIn: Int, swapOut: Int)
    /// Re-evaluates how paused requests hold their context (min-waste policies); may swap out.
    func decideContextModes(core: EngineCore, round: inout RoundState, now: Duration)
    /// Runs after running requests were scheduled and before swap-in.
    func beforeSwapIn(core: EngineCore, round: inout RoundState, now: Duration)
    /// The next waiting request to try to admit, with the most tokens it may take this round.
    func nextAdmission(core: EngineCore, round: RoundState, now: Duration) -> AdmissionCandidate?
    /// Blocks admission must leave free for the running requests to grow into (0: none).
    func admissionHeadroomBlocks(core: EngineCore) -> Int
    /// The paused request to take memory from first, or nil if none should give any up.
    func pausedVictim(core: EngineCore, now: Duration) -> Request?
    /// The duration the scheduler assumes for a call; `truth` is the script's (trace replay), which
    /// only an oracle predictor may read.
    func expectedDuration(of call: CallDescriptor, truth: ScriptedCall?, for request: Request, core: EngineCore) -> Duration
    /// The context mode a request starts its call in.
    func contextModeAtInterception(_ request: Request, core: EngineCore, now: Duration) -> ContextMode
    /// The call `name` returned after `duration` with `returnedTokenCount` tokens (before the request resumes).
    func callReturned(_ request: Request, name: String, duration: Duration, returnedTokenCount: Int, core: EngineCore, now: Duration)
    /// How well predictions matched reality so far (nil for policies without a predictor).
    var accuracy: PredictorAccuracy? { get }
    func stepCompleted(core: EngineCore, duration: Duration, now: Duration)
    func requestFinished(_ request: Request, core: EngineCore)
    /// The driver replaced the iteration cost model (the live engine's online fit).
    func costModelChanged(_ cost: IterationCostModel)
}

extension SchedulingPolicy {
    func requestArrived(_ request: Request, core: EngineCore, now: Duration) {}
    func decideContextModes(core: EngineCore, round: inout RoundState, now: Duration) {}
    func continuesAfterMiss(_ request: Request, now: Duration) -> Bool { false }
    func admissionHeadroomBlocks(core: EngineCore) -> Int { 0 }
    func beforeSwapIn(core: EngineCore, round: inout RoundState, now: Duration) {}
    func nextAdmission(core: EngineCore, round: RoundState, now: Duration) -> AdmissionCandidate? {
        waiting.popNext(now: now).map { AdmissionCandidate(request: $0) }
    }
    func callReturned(_ request: Request, name: String, duration: Duration, returnedTokenCount: Int, core: EngineCore, now: Duration) {}
    var accuracy: PredictorAccuracy? { nil }
    func stepCompleted(core: EngineCore, duration: Duration, now: Duration) {}
    func requestFinished(_ request: Request, core: EngineCore) {}
    func costModelChanged(_ cost: IterationCostModel) {}
}

func makePolicy(_ configuration: EngineConfiguration) -> SchedulingPolicy {
    switch configuration.policy.kind {
    case .vllm, .vllmAPC: VLLMPolicy(configuration: configuration)
    case .infercept: InferceptPolicy(configuration: configuration)
    case .augserve: AugServePolicy(configuration: configuration)
    }
}

/// A waiting request offered for admission, and the most tokens it may take (nil: the budget).
struct AdmissionCandidate {
    let request: Request
    var maxTokens: Int?
}
