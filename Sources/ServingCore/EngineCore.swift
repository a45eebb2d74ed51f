/// The scheduling core: requests, KV blocks, swap space and the policy, advanced by its driver.
///
/// Synchronous and deterministic: no clocks, threads or I/O; the current time is an argument.
/// A driver (the simulator's virtual clock or the live engine) calls `submit`, `callReturned` and
/// `abort` as events arrive, `schedule(now:)` to get the next `BatchPlan`, and, after the executor
/// ran it, `apply(_:now:)` to get the resulting events. Not thread-safe: one owner at a time.
public final class EngineCore {
    public let configuration: EngineConfiguration
    var pool: BlockPool
    var host: HostSwapSpace
    let policy: SchedulingPolicy

    var requests: [RequestID: Request] = [:]
    /// Running requests in priority order (lowest key first); preemption victims come from the tail.
    var running: [Request] = []
    /// Ready to run but (partly) on host memory, in priority order.
    var swappedQueue: [Request] = []
    /// Requests paused in a call, in the order they paused.
    var paused: [Request] = []
    var waiting: WaitingQueue { policy.waiting }

    var nextRequestNumber: UInt64 = 0
    var roundNumber = 0
    /// What the last plan asked the executor to run, for `apply`.
    var inFlight: [InFlightSequence] = []
    /// Requests whose blocks the last plan copies (swap-out or swap-in), for `failInFlight`.
    var inFlightTransfers: [Request] = []
    /// The cost model policies reason with; `updateCostModel` replaces it.
    var currentCost: IterationCostModel
    var releasedSinceLastPlan: [RequestID] = []
    /// Host slots read by this round's swap-ins; freed in `apply`, once the executor copied them.
    var hostSlotsPendingRelease: [HostSlotID] = []
    var lastTokenBudget = 0
    var lastSwapBudget = (swapIn: 0, swapOut: 0)
    var totalPreemptionCount = 0

    public init(configuration: EngineConfiguration) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        pool = BlockPool(
            totalCount: configuration.cache.deviceBlockCount, blockSize: configuration.cache.blockSize,
            prefixCachingEnabled: configuration.cache.prefixCachingEnabled)
        host = HostSwapSpace(totalCount: configuration.cache.hostBlockCount)
        currentCost = configuration.cost
        policy = makePolicy(configuration)
    }

    var blockSize: Int { configuration.cache.blockSize }
    var limits: SchedulerLimits { configuration.limits }

    /// Accepts a request arriving at `now`. Throws on a request the engine can never serve.
    @discardableResult
    public func submit(_ spec: RequestSpec, now: Duration) throws(EngineError) -> RequestID {
        try validate(spec)
        nextRequestNumber += 1
        let request = Request(id: RequestID(nextRequestNumber), spec: spec, arrival: now)
        requests[request.id] = request
        policy.requestArrived(request, core: self, now: now)
        enqueueWaiting(request, entry: .arrival, now: now)
        return request.id
    }

    private func validate(_ spec: RequestSpec) throws(EngineError) {
        guard !spec.promptTokens.isEmpty else { throw .emptyPrompt }
        guard spec.promptTokens.count < limits.maxContextLength else {
            throw .promptTooLong(tokenCount: spec.promptTokens.count, maxContextLength: limits.maxContextLength)
        }
        guard spec.maxOutputTokenCount > 0 else { throw .invalidMaxOutput(spec.maxOutputTokenCount) }
        if let vocabulary = configuration.vocabularySize,
            let bad = spec.promptTokens.first(where: { $0 < 0 || Int($0) >= vocabulary })
        {
            throw .invalidToken(bad, vocabularySize: vocabulary)
        }
        guard spec.minOutputTokenCount >= 0 else { throw .invalidSegment(index: 0, reason: "negative min output tokens") }
        for (index, segment) in spec.segments.enumerated() {
            guard segment.decodeTokenCount >= 0 else { throw .invalidSegment(index: index, reason: "negative decode count") }
            if let call = segment.call, call.returnedTokenCount < 0 || call.duration < .zero {
                throw .invalidSegment(index: index, reason: "negative call duration or returned length")
            }
        }
    }

    /// Aborts a request wherever it is and returns its blocks. Returns its outcome, or nil if
    /// it had already left.
    @discardableResult
    public func abort(_ id: RequestID, now: Duration) -> RequestOutcome? {
        guard let request = requests[id] else { return nil }
        return finish(request, reason: .aborted, now: now)
    }

    /// The state of a request, or nil once it has left the engine.
    public func state(of id: RequestID) -> RequestState? { requests[id]?.state }

    /// Number of requests in the engine (not finished).
    public var liveRequestCount: Int { requests.count }

    public var snapshot: EngineSnapshot {
        var snapshot = EngineSnapshot(
            waitingCount: waiting.count, runningCount: running.count, pausedCount: paused.count,
            swappedCount: swappedQueue.count, deviceBlocksUsed: pool.usedCount, deviceBlocksTotal: pool.totalCount,
            hostBlocksUsed: host.usedCount, hostBlocksTotal: host.totalCount,
            preservedTokenCount: preservedTokenCount, tokenBudget: lastTokenBudget,
            swapInBudget: lastSwapBudget.swapIn, swapOutBudget: lastSwapBudget.swapOut,
            preemptionCount: totalPreemptionCount)
        for request in paused {
            switch request.state {
            case .paused(.preserve): snapshot.pausedPreserveCount += 1
            case .paused(.discard): snapshot.pausedDiscardCount += 1
            case .paused(.swap): snapshot.pausedSwapCount += 1
            default: break
            }
        }
        return snapshot
    }

    /// Tokens whose KV paused requests keep on the device.
    var preservedTokenCount: Int {
        paused.reduce(0) { $0 + min($1.computedCount, $1.blocks.count * blockSize) }
    }

    /// Read access to the block pool (tests, metrics).
    public var blockPool: BlockPool { pool }
    /// Read access to the host swap space (tests, metrics).
    public var hostSwapSpace: HostSwapSpace { host }
}

/// One sequence of the plan in flight, remembered for `apply`.
struct InFlightSequence {
    let request: Request
    let tokenCount: Int
    let samples: Bool
}

extension EngineCore {
    /// Tokens in a live request's context (prompt + generated + returned), or 0 if it left.
    public func contextLength(of id: RequestID) -> Int { requests[id]?.tokens.count ?? 0 }
}

extension EngineCore {
    /// How well the policy's predictor matched reality so far (AugServe only).
    public var predictorAccuracy: PredictorAccuracy? { policy.accuracy }
}
