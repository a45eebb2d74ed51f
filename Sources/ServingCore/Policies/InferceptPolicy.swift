/// InferCept (SPEC §4, Appendix A): every queue FCFS by original arrival; paused requests start in
/// Preserve and are re-evaluated every iteration against Discard (chunked recompute); memory is
/// freed by swapping tail blocks within a per-iteration swap budget; a static 384-token budget.
final class InferceptPolicy: SchedulingPolicy {
    let waiting: WaitingQueue = KeyedWaitingQueue()
    let swapsUnderPressure = true
    private let maxBatchedTokenCount: Int
    private let chunkTokenCount: Int
    private(set) var swapBudgetSplit: SwapBudget
    private let policyConfiguration: PolicyConfiguration
    private var waste: WasteModel
    /// Where call durations come from: the trace (oracle), as in InferCept's experiments, or —
    /// on the live engine, where durations are unknown — the history predictor.
    let predictor: Predictor
    /// The preserved request kept by the last decision as the first to swap out under pressure.
    private(set) var swapTarget: Request?

    init(configuration: EngineConfiguration) {
        maxBatchedTokenCount = configuration.limits.maxBatchedTokenCount
        chunkTokenCount = configuration.policy.interceptChunkTokenCount
        policyConfiguration = configuration.policy
        swapBudgetSplit = configuration.policy.swapBudget(under: configuration.cost)
        waste = WasteModel(
            cost: configuration.cost, chunkTokenCount: configuration.policy.interceptChunkTokenCount, swapBudget: swapBudgetSplit)
        predictor = makePredictor(configuration.policy.interceptPredictor)
    }

    func costModelChanged(_ cost: IterationCostModel) {
        swapBudgetSplit = policyConfiguration.swapBudget(under: cost)
        waste = WasteModel(cost: cost, chunkTokenCount: chunkTokenCount, swapBudget: swapBudgetSplit)
    }

    func expectedDuration(of call: CallDescriptor, truth: ScriptedCall?, for request: Request, core: EngineCore) -> Duration {
        predictor.predictCall(name: call.name, requestClass: request.spec.requestClass, truth: truth).duration
    }

    func callReturned(_ request: Request, name: String, duration: Duration, returnedTokenCount: Int, core: EngineCore, now: Duration) {
        predictor.observeCall(name: name, requestClass: request.spec.requestClass, duration: duration, returnedTokenCount: returnedTokenCount)
    }

    /// Original arrival in every queue: resumed and preempted requests keep their priority.
    func queueKey(for request: Request, entry: QueueEntry, now: Duration) -> Double { request.arrival.seconds }

    func tokenBudget(core: EngineCore, now: Duration) -> Int { maxBatchedTokenCount }

    func swapBudget(core: EngineCore) -> (swapIn: Int, swapOut: Int) {
        guard core.host.totalCount > 0 else { return (0, 0) }
        return swapBudgetSplit.split(chunkTokenCount: chunkTokenCount, freeTokenCount: core.pool.freeCount * core.blockSize)
    }

    func contextModeAtInterception(_ request: Request, core: EngineCore, now: Duration) -> ContextMode { .preserve }

    /// Preserve vs discard for every paused request still in Preserve: where discarding wastes
    /// less, all such candidates but the one with the largest discard waste are discarded now; that
    /// one stays preserved and becomes the first to swap out when memory is needed.
    func decideContextModes(core: EngineCore, round: inout RoundState, now: Duration) {
        swapTarget = nil
        let load = core.runningLoad()
        var candidates: [(request: Request, discardWaste: Double)] = []
        for request in core.paused where request.state == .paused(.preserve) {
            let context = request.computedCount
            let wp = waste.preserve(remainingCall: core.remainingCall(of: request, now: now), contextTokenCount: context)
            let wd = waste.discard(
                contextTokenCount: context, pendingRunningTokenCount: load.pendingTokens,
                runningContextTokenCount: load.contextTokens)
            if wd < wp { candidates.append((request, wd)) }
        }
        guard let keep = candidates.max(by: { $0.discardWaste < $1.discardWaste }) else { return }
        for candidate in candidates where candidate.request !== keep.request {
            core.discardPaused(candidate.request)
        }
        swapTarget = keep.request
    }

    /// Requests already partly swapped out, then the swap target, give up memory first.
    func pausedVictim(core: EngineCore, now: Duration) -> Request? {
        if let partial = core.paused.first(where: { $0.state == .paused(.swap) && !$0.blocks.isEmpty }) {
            return partial
        }
        guard let target = swapTarget, !target.blocks.isEmpty, target.state == .paused(.preserve) else { return nil }
        return target
    }

    /// With the host full, discards the swapped paused request with the longest remaining call;
    /// with nothing waiting, converts the oldest swapped request to recompute (idle compute is
    /// cheaper than the bus).
    func beforeSwapIn(core: EngineCore, round: inout RoundState, now: Duration) {
        if core.host.totalCount > 0, core.host.freeCount == 0 {
            let swappedPaused = core.paused.filter { $0.state == .paused(.swap) && !$0.hostSlots.isEmpty }
            if let victim = swappedPaused.max(by: { core.remainingCall(of: $0, now: now) < core.remainingCall(of: $1, now: now) }) {
                core.discardPaused(victim)
            }
        }
        if core.waiting.count == 0, let oldest = core.swappedQueue.first {
            core.convertSwappedToRecompute(oldest, now: now)
        }
    }

    func requestFinished(_ request: Request, core: EngineCore) {
        if swapTarget === request { swapTarget = nil }
    }
}
