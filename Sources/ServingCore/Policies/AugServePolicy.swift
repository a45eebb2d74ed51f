/// AugServe (SPEC §5–§6): Stage I values each request at arrival by its predicted space-time
/// cost; Stage II refines that cost with actuals whenever the request (re-)enters a queue, ages it
/// by its wait, admits in SLO-triage tiers, and guarantees starving requests a share of every
/// iteration's admission budget; calls are held in their min-waste mode with predicted durations;
/// the token budget follows free memory.
final class AugServePolicy: SchedulingPolicy {
    let parameters: AugServeParameters
    let predictor: Predictor
    private(set) var estimator: CostEstimator
    private(set) var predictionAccuracy = PredictorAccuracy()
    var accuracy: PredictorAccuracy? { predictionAccuracy }
    var budgetController: DynamicTokenBudget
    let staticBudget: Int
    private(set) var swapSplit: SwapBudget
    private let policyConfiguration: PolicyConfiguration
    private(set) lazy var queue = RankedWaitingQueue(
        describe: { request in Self.rankInput(of: request) },
        prepare: { [unowned self] now in self.rankingContext(now: now) },
        place: { [unowned self] input, context in self.placement(of: input, in: context) })
    var waiting: WaitingQueue { queue }
    let swapsUnderPressure = true
    private var admission = AdmissionRound()
    /// The budget of the current round, for triage's prefill-time estimate.
    private var currentBudget = 1
    /// Recent SLO attainment per request class, for the fairness floor.
    private(set) var classAttainment = ClassAttainmentTracker()

    init(configuration: EngineConfiguration) {
        parameters = configuration.policy.augserve
        predictor = makePredictor(parameters.predictor)
        policyConfiguration = configuration.policy
        let split = configuration.policy.swapBudget(under: configuration.cost)
        estimator = CostEstimator(
            cost: configuration.cost, chunkTokenCount: configuration.policy.interceptChunkTokenCount, swapBudget: split)
        budgetController = DynamicTokenBudget(
            parameters: parameters, cost: configuration.cost,
            normalizedLatencyObjective: parameters.normalizedLatencyObjective ?? configuration.cost.singleIterationTime * 10)
        staticBudget = configuration.limits.maxBatchedTokenCount
        swapSplit = split
    }

    var normalizedLatencyObjective: Duration { budgetController.normalizedLatencyObjective }

    /// The live engine's fitted cost model: values, waste, triage and the budget ceiling follow it;
    /// a default normalized-latency objective (10 × the single-iteration time) follows it too.
    func costModelChanged(_ cost: IterationCostModel) {
        swapSplit = policyConfiguration.swapBudget(under: cost)
        estimator = CostEstimator(cost: cost, chunkTokenCount: estimator.chunkTokenCount, swapBudget: swapSplit)
        budgetController.cost = cost
        budgetController.normalizedLatencyObjective = parameters.normalizedLatencyObjective ?? cost.singleIterationTime * 10
    }

    func currentBudgetChanged(_ value: Int) { currentBudget = max(1, value) }

    func recordCallAccuracy(predicted: CallPrediction, duration: Duration, returnedTokenCount: Int) {
        predictionAccuracy.recordCall(predicted: predicted, duration: duration, returnedTokenCount: returnedTokenCount)
    }

    func recordFinishedAccuracy(predicted: RequestPrediction, generatedTokenCount: Int) {
        predictionAccuracy.recordFinished(predicted: predicted, generatedTokenCount: generatedTokenCount)
    }

    static func state(of request: Request) -> AugServeRequestState? { request.augserve }

    // MARK: Stage I

    func requestArrived(_ request: Request, core: EngineCore, now: Duration) {
        let prediction = predictor.predict(request.spec)
        let value = parameters.usesStageOne
            ? estimator.futureCost(
                context: 0, pendingTokens: request.promptCount, decodeLeft: prediction.decodeTokenCount,
                calls: prediction.calls[...], load: core.runningLoad())
            : 1
        request.augserve = AugServeRequestState(prediction: prediction, value: value, arrival: request.arrival)
        if parameters.classAttainmentFloor != nil {
            request.augserve?.classIndex = classAttainment.index(of: request.spec.requestClass)
        }
    }

    // MARK: Stage II

    /// Refreshes the remaining cost with actuals whenever a request enters a queue; the key orders
    /// the running and swapped sets.
    func queueKey(for request: Request, entry: QueueEntry, now: Duration) -> Double {
        guard let state = Self.state(of: request) else { return request.arrival.seconds }
        state.admittedStarving = false
        state.queueEntrySeconds = now.seconds
        state.priorWaitSeconds = request.queueingDelay.seconds
        state.callSeconds = request.totalCallDuration.seconds
        if parameters.usesStageTwo { refresh(request, state, load: RunningLoad()) }
        return parameters.usesStageTwo ? state.remainingCost : state.value
    }

    func refresh(_ request: Request, _ state: AugServeRequestState, load: RunningLoad) {
        let decodeLeft = state.decodeLeft(generated: request.generatedCount)
        let calls = state.prediction.calls.dropFirst(min(request.callCount, state.prediction.calls.count))
        let returnedLeft = calls.reduce(0) { $0 + $1.returnedTokenCount }
        state.remainingCost = parameters.usesStageOne
            ? estimator.futureCost(
                context: request.computedCount, pendingTokens: request.pendingTokenCount, decodeLeft: decodeLeft,
                calls: calls, load: load)
            : 1
        state.serviceSeconds = estimator.serviceSeconds(
            pendingTokens: request.pendingTokenCount, decodeLeft: decodeLeft, returnedLeft: returnedLeft)
        state.futureOutputCount = decodeLeft + returnedLeft
    }

    func rankingContext(now: Duration) -> RankingContext {
        RankingContext(
            now: now.seconds, ttft: parameters.ttftObjective.seconds, beta: parameters.beta,
            starvationAfter: parameters.starvationAfter.seconds, normalizedLatency: normalizedLatencyObjective.seconds,
            budget: currentBudget, iterationSeconds: estimator.cost.chunkSeconds(tokenCount: currentBudget),
            behindClasses: parameters.classAttainmentFloor.map(classAttainment.behind(floor:)) ?? [])
    }

    static func rankInput(of request: Request) -> RankInput {
        let state = request.augserve
        return RankInput(
            id: request.id, sequence: request.queueSequence, value: state?.value ?? .infinity,
            remainingCost: state?.remainingCost ?? .infinity, arrival: state?.arrivalSeconds ?? 0,
            queueEntry: state?.queueEntrySeconds ?? 0, priorWait: state?.priorWaitSeconds ?? 0,
            callTime: state?.callSeconds ?? 0, serviceLeft: state?.serviceSeconds ?? 0,
            pendingTokens: request.pendingTokenCount, hasFirstToken: request.firstTokenAt != nil,
            expectedOutput: request.outputCount + (state?.futureOutputCount ?? 0), priority: request.spec.priority,
            ttftObjective: request.spec.objectives.timeToFirstToken?.seconds,
            normalizedLatencyObjective: request.spec.objectives.timePerOutputToken?.seconds, classIndex: state?.classIndex ?? -1)
    }

    /// Where a waiting request stands: starving or not, its tier (priority first, then on time
    /// before late), its aged rank `remaining cost / (1 + β · wait / ttftSLO)`.
    func placement(of input: RankInput, in context: RankingContext) -> RankedWaitingQueue.Placement {
        let wait = max(0, context.now - input.queueEntry)
        let waitingSince = input.queueEntry - input.priorWait
        let priorityTier = Self.priorityTier(input.priority)
        guard parameters.usesStageTwo else {
            return .init(isStarving: false, tier: priorityTier, rank: input.value, waitingSince: input.queueEntry)
        }
        var rank = input.remainingCost / (1 + context.beta * wait / (input.ttftObjective ?? context.ttft))
        if context.behindClasses.indices.contains(input.classIndex), context.behindClasses[input.classIndex] { rank -= Self.protectedOffset }
        let tier = priorityTier + (parameters.usesTriage && !isOnTime(input, context) ? 1 : 0)
        let starving = context.now - waitingSince > context.starvationAfter
        return .init(isStarving: starving, tier: tier, rank: rank, waitingSince: input.queueEntry)
    }

    /// SLO triage: a new request is on time if its TTFT objective can still be met given its wait
    /// and predicted prefill; a resumed one if its normalized-latency objective is still reachable.
    func isOnTime(_ input: RankInput, _ context: RankingContext) -> Bool {
        if !input.hasFirstToken {
            let chunks = max(1, (input.pendingTokens + context.budget - 1) / max(1, context.budget))
            return context.now - input.arrival + Double(chunks) * context.iterationSeconds <= input.ttftObjective ?? context.ttft
        }
        let elapsed = context.now - input.arrival - input.callTime + input.serviceLeft
        return elapsed / Double(max(1, input.expectedOutput)) <= input.normalizedLatencyObjective ?? context.normalizedLatency
    }

    /// Priorities map to even tiers (the odd tier above each holds its late requests), clamped so
    /// that the tier arithmetic never overflows.
    static func priorityTier(_ priority: Int) -> Int { 2 * min(max(priority, -1_000_000), 1_000_000) }

    /// Starving: waited longer than `starvationAfter` in all, over every queueing episode (a request
    /// preempted again and again keeps its claim).
    func isStarving(_ request: Request, now: Duration) -> Bool {
        parameters.usesStageTwo && request.totalWaitingTime(now: now) > parameters.starvationAfter
    }

    func nextAdmission(core: EngineCore, round: RoundState, now: Duration) -> AdmissionCandidate? {
        if admission.round != round.number {
            admission = AdmissionRound(
                round: round.number, startBudget: round.tokenBudget,
                guardsStarving: parameters.usesStageTwo && parameters.starvingShare > 0)
        }
        if admission.guardsStarving {
            let share = Int(parameters.starvingShare * Double(admission.startBudget))
            let used = admission.startBudget - round.tokenBudget
            if used < share, starvingMemory(core) < parameters.starvingShare * Double(core.pool.totalCount * core.blockSize),
                let request = queue.popStarving(now: now)
            {
                Self.state(of: request)?.admittedStarving = true
                return AdmissionCandidate(request: request, maxTokens: share - used)
            }
            admission.guardsStarving = false
        }
        return queue.popNext(now: now).map { AdmissionCandidate(request: $0) }
    }

    /// Past a request that did not fit, keep admitting — unless it is starving: then memory is
    /// left to free up for it.
    /// KV tokens held by running requests admitted through the starving share. The share is a
    /// share of memory as well as of tokens: on memory-bound hardware a token share alone would let
    /// starving requests fill the KV cache (measured: it cost a third of the goodput at 2× overload).
    func starvingMemory(_ core: EngineCore) -> Double {
        var held = 0
        for request in core.running where Self.state(of: request)?.admittedStarving == true {
            held += request.blocks.count * core.blockSize
        }
        return Double(held)
    }

    func continuesAfterMiss(_ request: Request, now: Duration) -> Bool {
        parameters.skipsUnfitRequests && !isStarving(request, now: now)
    }

    /// Whether a finished request met its objectives (SPEC §7: TTFT, and time per output token
    /// excluding call time; its own objectives where it has them), for the fairness floor.
    func recordClassAttainment(_ request: Request, index: Int) {
        var met = false
        if let finished = request.finishedAt, let first = request.firstTokenAt, request.outputCount > 0 {
            let ttft = first - request.arrival <= request.spec.objectives.timeToFirstToken ?? parameters.ttftObjective
            let perToken = (finished - request.arrival - request.totalCallDuration) / request.outputCount
            met = ttft && perToken <= request.spec.objectives.timePerOutputToken ?? normalizedLatencyObjective
        }
        classAttainment.record(index, met: met)
    }

    /// Keys below every cost: requests admitted through the starving share.
    static let protectedOffset = 1e15
}

/// Per-request AugServe data, kept in `Request.augserve`.
final class AugServeRequestState {
    let prediction: RequestPrediction
    /// Stage I's value at arrival.
    let value: Double
    /// Stage II's remaining cost, refreshed on every queue entry.
    var remainingCost: Double
    /// Predicted service seconds left (excluding calls), for triage.
    var serviceSeconds = 0.0
    /// Predicted output tokens still to come (generated + returned).
    var futureOutputCount = 0
    /// Admitted through the starving share (cleared when it re-enters a queue).
    var admittedStarving = false
    /// Seconds copies of times the ranking reads for every waiting request, set on queue entry.
    let arrivalSeconds: Double
    var queueEntrySeconds = 0.0
    var priorWaitSeconds = 0.0
    var callSeconds = 0.0
    /// The prediction for the call in progress.
    var currentCall: CallPrediction?
    /// The class's index in the fairness floor's tracker (−1: no floor).
    var classIndex = -1

    init(prediction: RequestPrediction, value: Double, arrival: Duration) {
        self.prediction = prediction
        self.value = value
        remainingCost = value
        arrivalSeconds = arrival.seconds
    }

    /// Generated tokens still expected; once the prediction is exceeded, the next bucket's value.
    func decodeLeft(generated: Int) -> Int {
        if generated < prediction.decodeTokenCount { return prediction.decodeTokenCount - generated }
        return max(1, OutputLengthBuckets.upperMiddle(OutputLengthBuckets.bucket(of: generated) + 1) - generated)
    }
}

/// Recent SLO attainment per request class: an exponential moving average over each class's
/// finished requests (weight `1/32` per request, starting at 1), for the fairness floor.
struct ClassAttainmentTracker {
    static let weight = 1.0 / 32
    private var indices: [String: Int] = [:]
    private(set) var attainment: [Double] = []

    /// The class's index, registering it on first sight.
    mutating func index(of requestClass: String) -> Int {
        if let index = indices[requestClass] { return index }
        indices[requestClass] = attainment.count
        attainment.append(1)
        return attainment.count - 1
    }

    mutating func record(_ index: Int, met: Bool) {
        guard attainment.indices.contains(index) else { return }
        attainment[index] += Self.weight * ((met ? 1 : 0) - attainment[index])
    }

    func behind(floor: Double) -> [Bool] { attainment.map { $0 < floor } }
}

/// Admission bookkeeping of the current round (the starving share is a share of the budget left
/// when admission starts).
struct AdmissionRound {
    var round = -1
    var startBudget = 0
    var guardsStarving = false
}
