@testable import ServingCore
import Testing

/// What makes AugServe different from the baselines, one mechanism per test, each built so that
/// it fails when the mechanism is switched off: SLO triage, Stage II aging, the starving share's
/// memory cap, min-waste context modes with predicted durations, and the overrun rule.
@Suite struct AugServeMechanismTests {
    static let cost = AugServeValueTests.cost

    static func parameters(_ change: (inout AugServeParameters) -> Void = { _ in }) -> AugServeParameters {
        var parameters = AugServeParameters()
        parameters.predictor = .oracle
        change(&parameters)
        return parameters
    }

    static func harness(
        _ parameters: AugServeParameters, deviceBlocks: Int = 400, hostBlocks: Int = 64, maxRunning: Int = 1,
        cost: IterationCostModel = AugServeMechanismTests.cost
    ) throws -> CoreHarness {
        try CoreHarness(
            policy: .augserve, deviceBlocks: deviceBlocks, hostBlocks: hostBlocks, blockSize: 16, budget: 2048,
            maxRunning: maxRunning, maxContext: 2048, cost: cost, augserve: parameters)
    }

    static func policy(of harness: CoreHarness) throws -> AugServePolicy {
        try #require(harness.core.policy as? AugServePolicy)
    }

    // MARK: SLO triage

    /// One running slot, held for 1.5 s. A cheap request arrives at once and is late (past the
    /// 1 s TTFT objective) by the time the slot frees; an expensive one arrives at 1.2 s and is
    /// still on time. Triage serves the on-time one first; without it the cheaper one goes first.
    /// Either way the late request is still served. `--no-stage2` switches triage off too.
    @Test(arguments: [(true, true), (false, true), (true, false)])
    func triageServesOnTimeRequestsBeforeLateOnes(triage: Bool, stageTwo: Bool) throws {
        let harness = try Self.harness(Self.parameters { $0.usesTriage = triage; $0.usesStageTwo = stageTwo })
        let blocker = try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 150)], seed: 9)
        try harness.step()
        let late = try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 5)], seed: 1)
        while harness.now < .milliseconds(1200) { try harness.step() }
        let onTime = try harness.submit(prompt: 300, segments: [.init(decodeTokenCount: 100)], seed: 2)
        let lateCost = try #require(harness.core.requests[late]?.augserve?.remainingCost)
        let onTimeCost = try #require(harness.core.requests[onTime]?.augserve?.remainingCost)
        #expect(lateCost * 10 < onTimeCost, "the late request is far cheaper: it wins on rank alone")
        try harness.runToCompletion()
        #expect(harness.outcomes[blocker] != nil)
        let lateOutcome = try #require(harness.outcomes[late], "a late request is still served")
        #expect(lateOutcome.finishReason == .length && lateOutcome.generatedTokenCount == 5)
        let lateStart = try #require(lateOutcome.firstTokenAt)
        let onTimeStart = try #require(harness.outcomes[onTime]?.firstTokenAt)
        #expect(lateStart - lateOutcome.arrival > .seconds(1), "it did miss its TTFT objective")
        #expect((onTimeStart < lateStart) == (triage && stageTwo))
    }

    // MARK: Stage II aging

    /// The rank key is `remaining cost / (1 + β · wait / ttftSLO)`: it falls (the request rises)
    /// with its wait, by β, against the policy's TTFT objective or the request's own.
    @Test(arguments: [0.0, 1.0, 3.0])
    func rankFallsWithWaitByBeta(beta: Double) throws {
        let harness = try Self.harness(Self.parameters { $0.beta = beta; $0.usesTriage = false })
        let policy = try Self.policy(of: harness)
        func input(ttft: Double? = nil) -> RankInput {
            RankInput(
                id: RequestID(1), sequence: 0, value: 10, remainingCost: 10, arrival: 0, queueEntry: 0.5, priorWait: 0,
                callTime: 0, serviceLeft: 0, pendingTokens: 10, hasFirstToken: false, expectedOutput: 10, priority: 0,
                ttftObjective: ttft, normalizedLatencyObjective: nil)
        }
        let fresh = policy.placement(of: input(), in: policy.rankingContext(now: .milliseconds(500)))
        #expect(fresh.rank == 10)
        let waited = policy.placement(of: input(), in: policy.rankingContext(now: .milliseconds(2500)))
        #expect(abs(waited.rank - 10 / (1 + beta * 2 / 1)) < 1e-12, "2 s of wait against the 1 s objective")
        let ownObjective = policy.placement(of: input(ttft: 4), in: policy.rankingContext(now: .milliseconds(2500)))
        #expect(abs(ownObjective.rank - 10 / (1 + beta * 2 / 4)) < 1e-12)
        #expect(!waited.isStarving && waited.tier == 0)
    }

    /// One slot held for 1.5 s: an expensive request waits all that time, a cheap one arrives
    /// just before the slot frees. With a large β the long wait lifts the expensive one first; with
    /// β = 0 — or Stage II switched off (`--no-stage2`: static Stage I order) — cost alone decides.
    @Test(arguments: [(1000.0, true), (0.0, true), (1000.0, false)])
    func agingLiftsALongWaitingRequest(beta: Double, stageTwo: Bool) throws {
        let parameters = Self.parameters {
            $0.beta = beta
            $0.usesStageTwo = stageTwo
            $0.ttftObjective = .seconds(10)  // nobody is late: aging alone
        }
        let harness = try Self.harness(parameters)
        try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 150)], seed: 9)
        try harness.step()
        let patient = try harness.submit(prompt: 100, segments: [.init(decodeTokenCount: 20)], seed: 1)
        while harness.now < .milliseconds(1450) { try harness.step() }
        let newcomer = try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 10)], seed: 2)
        let patientValue = try #require(harness.core.requests[patient]?.augserve?.value)
        let newcomerValue = try #require(harness.core.requests[newcomer]?.augserve?.value)
        // Expensive (about 14× the cost), yet cheap enough for 1.45 s of aging at β = 1000 to win.
        #expect(patientValue > 5 * newcomerValue && patientValue < 25 * newcomerValue)
        try harness.runToCompletion()
        let patientStart = try #require(harness.outcomes[patient]?.firstTokenAt)
        let newcomerStart = try #require(harness.outcomes[newcomer]?.firstTokenAt)
        #expect((patientStart < newcomerStart) == (beta > 0 && stageTwo))
    }

    // MARK: The starving share's memory cap

    /// Overload with a mix of cheap and expensive requests and a short starvation threshold.
    /// A request is admitted through the starving share (`admittedStarving`) only while those
    /// already admitted that way hold less than φ of the KV memory. Returns the number of such
    /// admissions, the capacity, and the most the earlier ones held when another was admitted.
    static func starvingScenario(phi: Double, stageTwo: Bool = true) throws -> (admissions: Int, capacity: Int, heldAtAdmission: Int) {
        let parameters = Self.parameters {
            $0.starvationAfter = .milliseconds(500)
            $0.starvingShare = phi
            $0.usesStageTwo = stageTwo
        }
        let harness = try Self.harness(parameters, deviceBlocks: 256, maxRunning: 8)
        let capacity = harness.core.blockPool.totalCount * 16
        var admissions = 0
        var heldAtAdmission = 0
        var flagged: Set<RequestID> = []
        var seed: Int32 = 0
        var nextArrival = Duration.zero
        while harness.now < .seconds(10) {
            while nextArrival <= harness.now {
                seed += 1
                if seed % 2 == 0 {
                    try harness.submit(prompt: 400, segments: [.init(decodeTokenCount: 60)], seed: seed)
                } else {
                    try harness.submit(prompt: 32, segments: [.init(decodeTokenCount: 8)], seed: seed)
                }
                nextArrival += .milliseconds(20)
            }
            try harness.step()
            // Blocks are allocated only while scheduling, so what the earlier members hold now is
            // what they held when this round admitted the new ones (less any that finished).
            let members = harness.core.running.filter { $0.augserve?.admittedStarving == true }
            let new = members.filter { !flagged.contains($0.id) }
            if !new.isEmpty {
                admissions += new.count
                let earlier = members.filter { flagged.contains($0.id) }.reduce(0) { $0 + $1.blocks.count * 16 }
                heldAtAdmission = max(heldAtAdmission, earlier)
            }
            flagged = Set(members.map(\.id))
        }
        return (admissions, capacity, heldAtAdmission)
    }

    @Test func starvingRequestsAreAdmittedOnlyWithinTheirShareOfMemory() throws {
        let phi = 0.2
        let result = try Self.starvingScenario(phi: phi)
        #expect(result.admissions > 3, "the share was used: \(result.admissions) admissions")
        #expect(
            Double(result.heldAtAdmission) < phi * Double(result.capacity),
            "starving requests held \(result.heldAtAdmission) of \(result.capacity) KV tokens when another was admitted (φ = \(phi))")
    }

    /// `--no-stage2` has no starvation guard: nobody is admitted through the starving share.
    @Test func noStageTwoHasNoStarvingShare() throws {
        #expect(try Self.starvingScenario(phi: 0.2, stageTwo: false).admissions == 0)
    }

    // MARK: Context modes

    /// SPEC §3's min-waste over preserve (`T·C`), discard (chunked recompute) and swap
    /// (`2·T_swap·C`: copies overlap compute within the budget), on hand-computed wastes: C = 1000,
    /// one pending running token, R_m = 200.
    @Test func cheapestModeIsTheMinimumWaste() {
        var fast = Self.cost
        fast.swapBytesPerSecond = 100e9
        let estimator = CostEstimator(cost: fast, chunkTokenCount: 384)
        let load = RunningLoad(pendingTokens: 1, contextTokens: 200)
        let discard = 46.2886  // ContextModeTests.discardWasteMatchesHandComputation
        let swapFast = 2 * (1000 * 458_752 / 100e9) * 1000  // 9.18
        let short = estimator.cheapestMode(context: 1000, duration: .milliseconds(5), load: load, swapAllowed: true)
        #expect(short.mode == .preserve && abs(short.waste - 5) < 1e-9)
        let long = estimator.cheapestMode(context: 1000, duration: .seconds(1), load: load, swapAllowed: true)
        #expect(long.mode == .swap && abs(long.waste - swapFast) < 1e-9)
        let noHost = estimator.cheapestMode(context: 1000, duration: .seconds(1), load: load, swapAllowed: false)
        #expect(noHost.mode == .discard && abs(noHost.waste - discard) < 1e-6)
        let slowLink = CostEstimator(cost: Self.cost, chunkTokenCount: 384)  // 10 GB/s: swap wastes 91.8
        #expect(slowLink.cheapestMode(context: 1000, duration: .seconds(1), load: load, swapAllowed: true).mode == .discard)
    }

    /// At a scripted call AugServe picks the min-waste mode from the call's *predicted* duration:
    /// the oracle knows a 2 ms call is short (preserve); the cold history predictor assumes 1 s and
    /// swaps (fast link, host room) or discards (no host memory).
    @Test(arguments: [
        (PredictorKind.oracle, 64, ContextMode.preserve), (.history, 64, .swap), (.history, 0, .discard),
        (.oracle, 0, .preserve),
    ])
    func interceptionModeFollowsThePredictedDuration(predictor: PredictorKind, hostBlocks: Int, expected: ContextMode) throws {
        var fast = Self.cost
        fast.swapBytesPerSecond = 100e9
        let harness = try Self.harness(Self.parameters { $0.predictor = predictor }, hostBlocks: hostBlocks, maxRunning: 4, cost: fast)
        harness.autoReturnCalls = false
        try harness.submit(prompt: 200, segments: [.init(decodeTokenCount: 50)], seed: 2)
        let paused = try harness.submit(
            prompt: 1000, segments: [.init(decodeTokenCount: 2, call: CoreHarness.call(0.002, returns: 4)), .init(decodeTokenCount: 2)])
        for _ in 0..<4 { try harness.step() }
        #expect(harness.interceptions().map(\.0) == [paused])
        #expect(harness.interceptions().first?.1 == expected)
    }

    // MARK: The overrun rule

    /// A paused call's remaining time is its prediction minus the elapsed time; once past the
    /// prediction it is assumed to last half its elapsed time again.
    @Test func remainingCallTimeAfterAnOverrun() throws {
        let harness = try Self.harness(Self.parameters { $0.predictor = .history }, maxRunning: 4)
        let id = try harness.core.submit(
            RequestSpec(promptTokens: CoreHarness.prompt(40), maxOutputTokenCount: 20), now: harness.now)
        try harness.step()
        let start = harness.now
        try harness.core.intercept(id, call: CallDescriptor(name: "search"), now: start)  // predicted: 1 s (cold)
        let policy = try Self.policy(of: harness)
        let request = try #require(harness.core.requests[id])
        #expect(policy.remainingCall(of: request, now: start + .milliseconds(400)) == .milliseconds(600))
        #expect(policy.remainingCall(of: request, now: start + .seconds(3)) == .milliseconds(1500))
        #expect(policy.remainingCall(of: request, now: start + .seconds(10)) == .seconds(5))
    }

    /// A call predicted to take 5 ms starts preserved (5 ms × 1000 tokens is cheaper than
    /// recomputing them); it overruns, and with the assumed remaining time growing, preserving
    /// becomes the costlier choice and the context is discarded. Without the rule a call past
    /// its prediction would look free to preserve forever.
    @Test func anOverrunningCallIsReEvaluated() throws {
        let harness = try Self.harness(Self.parameters { $0.predictor = .history }, hostBlocks: 0, maxRunning: 4)
        let policy = try Self.policy(of: harness)
        for _ in 0..<3 { policy.predictor.observeCall(name: "quick", requestClass: "default", duration: .milliseconds(5), returnedTokenCount: 4) }
        try harness.submit(prompt: 200, segments: [.init(decodeTokenCount: 150)], seed: 2)
        let id = try harness.core.submit(
            RequestSpec(promptTokens: CoreHarness.prompt(1000), maxOutputTokenCount: 20), now: harness.now)
        try harness.step()
        let start = harness.now
        #expect(try harness.core.intercept(id, call: CallDescriptor(name: "quick"), now: start) == .preserve)
        var discardedAt: Duration?
        while harness.now < start + .seconds(1), discardedAt == nil {
            try harness.step()
            if harness.core.state(of: id) == .paused(.discard) { discardedAt = harness.now }
            if discardedAt == nil { #expect(harness.core.state(of: id) == .paused(.preserve)) }
        }
        let elapsed = try #require(discardedAt, "still preserved 1 s into a call predicted to take 5 ms") - start
        // Discard wastes ≈ 46 token·s (R_m ≈ 200): preserve overtakes it at ≈ 46 ms assumed remaining, ≈ 92 ms elapsed.
        #expect(elapsed > .milliseconds(50) && elapsed < .milliseconds(200), "discarded after \(elapsed)")
    }
}
