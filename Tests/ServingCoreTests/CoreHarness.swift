import ServingCore
import Testing

/// Drives an `EngineCore` by hand: a fake executor that samples a fixed token and takes a fixed
/// time per step, a virtual clock, scripted call returns, and invariant checks after every step.
final class CoreHarness {
    let core: EngineCore
    var now: Duration = .zero
    let stepDuration: Duration
    var plans: [BatchPlan] = []
    var events: [EngineEvent] = []
    var outcomes: [RequestID: RequestOutcome] = [:]
    /// Calls in progress: when they return and what they return.
    var pendingReturns: [(id: RequestID, at: Duration, tokens: [TokenID])] = []
    var autoReturnCalls = true
    /// The token the fake executor samples for every sequence.
    var sampledToken: TokenID = 5

    init(
        policy: PolicyKind, deviceBlocks: Int = 64, hostBlocks: Int = 64, blockSize: Int = 4,
        budget: Int? = nil, maxRunning: Int = 256, maxContext: Int = 128, prefixCaching: Bool = false,
        cost: IterationCostModel = CoreHarness.defaultCost, stepDuration: Duration = .milliseconds(10),
        augserve: AugServeParameters = AugServeParameters(), interceptPredictor: PredictorKind = .oracle,
        vocabularySize: Int? = nil, emitsTokenEvents: Bool = false, swapBudgetFollowsCost: Bool = false
    ) throws {
        var policyConfiguration = PolicyConfiguration(kind: policy, interceptPredictor: interceptPredictor, augserve: augserve)
        policyConfiguration.swapBudgetFollowsCost = swapBudgetFollowsCost
        let configuration = EngineConfiguration(
            policy: policyConfiguration,
            cache: CacheConfiguration(
                blockSize: blockSize, deviceBlockCount: deviceBlocks, hostBlockCount: hostBlocks,
                prefixCachingEnabled: prefixCaching || policy == .vllmAPC),
            limits: SchedulerLimits(
                maxBatchedTokenCount: budget ?? policy.defaultMaxBatchedTokenCount,
                maxRunningRequestCount: maxRunning, maxContextLength: maxContext),
            cost: cost, emitsTokenEvents: emitsTokenEvents, vocabularySize: vocabularySize)
        core = try EngineCore(configuration: configuration)
        self.stepDuration = stepDuration
    }

    static let defaultCost = IterationCostModel(
        fixed: .milliseconds(10), perToken: .microseconds(50), perContextToken: .nanoseconds(300),
        kvBytesPerToken: 458_752, swapBytesPerSecond: 10e9)

    static func prompt(_ count: Int, seed: Int32 = 1) -> [TokenID] {
        (0..<count).map { TokenID(($0 * 7 + Int(seed) * 131) % 1000 + 3) }
    }

    @discardableResult
    func submit(prompt: Int, segments: [ScriptedSegment], maxOutput: Int? = nil, seed: Int32 = 1) throws -> RequestID {
        let total = segments.reduce(0) { $0 + $1.decodeTokenCount + ($1.call?.returnedTokenCount ?? 0) }
        let spec = RequestSpec(
            promptTokens: Self.prompt(prompt, seed: seed), sampling: SamplingParameters(ignoreEOS: true),
            maxOutputTokenCount: maxOutput ?? max(1, total), outputAccounting: .generatedAndReturned, segments: segments)
        return try core.submit(spec, now: now)
    }

    static func call(_ seconds: Double, returns: Int, name: String = "tool") -> ScriptedCall {
        ScriptedCall(name: name, duration: .seconds(seconds), returnedTokenCount: returns)
    }

    /// One iteration: deliver due call returns, schedule, execute, apply. Returns the plan.
    @discardableResult
    func step(sourceLocation: SourceLocation = #_sourceLocation) throws -> BatchPlan {
        deliverDueReturns()
        let plan = core.schedule(now: now)
        let invariantsBefore = core.checkInvariants()
        #expect(invariantsBefore.isEmpty, "after schedule: \(invariantsBefore)", sourceLocation: sourceLocation)
        #expect(plan.scheduledTokenCount <= core.snapshot.tokenBudget, sourceLocation: sourceLocation)
        #expect(Set(plan.sequences.map(\.requestID)).count == plan.sequences.count, sourceLocation: sourceLocation)
        let blockSize = core.configuration.cache.blockSize
        #expect(plan.swapOut.count * blockSize <= max(0, core.snapshot.swapOutBudget), sourceLocation: sourceLocation)
        #expect(plan.swapIn.count * blockSize <= max(0, core.snapshot.swapInBudget), sourceLocation: sourceLocation)
        plans.append(plan)
        let sampled = plan.sequences.filter(\.samplesNextToken).map { SampledToken(requestID: $0.requestID, token: sampledToken) }
        now += plan.isEmpty ? stepDuration / 10 : stepDuration
        let newEvents = try core.apply(StepOutput(sampledTokens: sampled, duration: stepDuration), now: now)
        record(newEvents)
        let invariantsAfter = core.checkInvariants()
        #expect(invariantsAfter.isEmpty, "after apply: \(invariantsAfter)", sourceLocation: sourceLocation)
        return plan
    }

    func record(_ newEvents: [EngineEvent]) {
        events.append(contentsOf: newEvents)
        for event in newEvents {
            switch event {
            case .finished(let outcome): outcomes[outcome.id] = outcome
            case .intercepted(let id, let call, _) where autoReturnCalls:
                pendingReturns.append((id, now + call.duration, Array(repeating: 9, count: call.returnedTokenCount)))
            default: break
            }
        }
    }

    func deliverDueReturns() {
        let due = pendingReturns.filter { $0.at <= now }
        pendingReturns.removeAll { $0.at <= now }
        for item in due {
            if let outcome = try? core.callReturned(item.id, returnedTokens: item.tokens, now: now) {
                outcomes[outcome.id] = outcome
            }
        }
    }

    /// Steps until every request has finished (or `maxSteps` passed).
    func runToCompletion(maxSteps: Int = 100_000, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var steps = 0
        while core.liveRequestCount > 0 && steps < maxSteps {
            if let next = pendingReturns.map(\.at).min(), core.snapshot.runningCount == 0,
                core.snapshot.waitingCount == 0, core.snapshot.swappedCount == 0, next > now
            {
                now = next
            }
            try step(sourceLocation: sourceLocation)
            steps += 1
        }
        #expect(core.liveRequestCount == 0, "requests left after \(steps) steps", sourceLocation: sourceLocation)
    }

    /// Every interception so far, in order, with the context mode it started in.
    func interceptions() -> [(RequestID, ContextMode)] {
        events.compactMap { if case .intercepted(let id, _, let mode) = $0 { (id, mode) } else { nil } }
    }
}
