/// The decisions that differ between policies. The core runs the same phases for every policy and
/// asks these hooks where they differ (SPEC §4). Implementations: `VLLMPolicy`, `InferceptPolicy`,
/// `AugServePolicy`.
protocol SchedulingPolicy: AnyObject {
    /// The queue waiting requests are admitted from.
    var waiting: WaitingQueue { get }
    /// FCFS policies stop admitting at the first request that does not fit (head-of-line order).
    var admissionStopsAtFirstMiss: Bool { get }
    /// Whether memory pressure swaps KV to host (else it discards / preempts by recompute).
    var swapsUnderPressure: Bool { get }

    /// The key that orders a request entering the waiting queue (lower is served first).
    func queueKey(for request: Request, entry: QueueEntry, now: Duration) -> Double
    func requestArrived(_ request: Request, core: EngineCore, now: Duration)
    /// Tokens that may be forwarded this iteration.
    func tokenBudget(core: EngineCore, now: Duration) -> Int
    /// Swap-in and swap-out budgets (tokens) for this iteration.
    func swapBudget(core: EngineCore) -> (swapIn: Int, swapOut: Int)
    /// Re-evaluates how paused requests hold their context (min-waste policies).
    func decideContextModes(core: EngineCore, now: Duration)
    /// Runs after running requests were scheduled and before swap-in.
    func beforeSwapIn(core: EngineCore, round: inout RoundState, now: Duration)
    /// The next waiting request to try to admit.
    func nextAdmission(core: EngineCore, round: RoundState, now: Duration) -> Request?
    /// The paused request to take memory from first, or nil if none should give any up.
    func pausedVictim(core: EngineCore, now: Duration) -> Request?
    /// The duration the scheduler assumes for a call.
    func expectedDuration(of call: ScriptedCall, for request: Request, core: EngineCore) -> Duration
    /// The context mode a request starts its call in.
    func contextModeAtInterception(_ request: Request, core: EngineCore, now: Duration) -> ContextMode
    func callReturned(_ request: Request, core: EngineCore, now: Duration)
    func stepCompleted(core: EngineCore, duration: Duration, now: Duration)
    func requestFinished(_ request: Request, core: EngineCore)
}

extension SchedulingPolicy {
    func requestArrived(_ request: Request, core: EngineCore, now: Duration) {}
    func decideContextModes(core: EngineCore, now: Duration) {}
    func beforeSwapIn(core: EngineCore, round: inout RoundState, now: Duration) {}
    func nextAdmission(core: EngineCore, round: RoundState, now: Duration) -> Request? { waiting.popNext(now: now) }
    func callReturned(_ request: Request, core: EngineCore, now: Duration) {}
    func stepCompleted(core: EngineCore, duration: Duration, now: Duration) {}
    func requestFinished(_ request: Request, core: EngineCore) {}
    func expectedDuration(of call: ScriptedCall, for request: Request, core: EngineCore) -> Duration { call.duration }
}

func makePolicy(_ configuration: EngineConfiguration) -> SchedulingPolicy {
    switch configuration.policy.kind {
    case .vllm, .vllmAPC: VLLMPolicy(configuration: configuration)
    case .infercept: InferceptPolicy(configuration: configuration)
    case .augserve: InferceptPolicy(configuration: configuration)
    }
}
