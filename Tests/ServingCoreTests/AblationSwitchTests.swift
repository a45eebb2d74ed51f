@testable import ServingCore
import Testing

/// Each AugServe ablation switch (`AugServeParameters`) does what its `--no-…` / `--static-budget`
/// / `--headroom` flag says. (`--no-triage` and `--no-stage2`'s aging, triage and starvation
/// guard are covered in `AugServeMechanismTests`; `--no-prefix-cache` reaches the engine through
/// the driver's cache configuration, covered in `SimulationTests`.)
@Suite struct AblationSwitchTests {
    /// `--static-budget`: every round's budget is `--max-batched-tokens`; the dynamic budget stays
    /// within [Bmin, Bmax] (here Bmax = (50.25 ms − 10 ms) / 50 µs = 805 tokens).
    @Test(arguments: [true, false])
    func staticBudgetUsesTheConfiguredTokenCount(dynamic: Bool) throws {
        let parameters = AugServeMechanismTests.parameters { $0.usesDynamicBudget = dynamic }
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 400, blockSize: 16, budget: 2048, maxRunning: 16, maxContext: 2048,
            cost: AugServeMechanismTests.cost, augserve: parameters)
        for seed in 1...10 { try harness.submit(prompt: 300, segments: [.init(decodeTokenCount: 20)], seed: Int32(seed)) }
        var budgets: [Int] = []
        for _ in 0..<8 {
            try harness.step()
            budgets.append(harness.core.snapshot.tokenBudget)
        }
        let scheduled = harness.plans.map(\.scheduledTokenCount)
        if dynamic {
            #expect(budgets.allSatisfy { $0 >= 256 && $0 <= 805 }, "\(budgets)")
            #expect(scheduled.allSatisfy { $0 <= 805 })
        } else {
            #expect(budgets.allSatisfy { $0 == 2048 }, "\(budgets)")
            #expect(scheduled.first == 2048, "the first round prefills 2048 of the 3000 prompt tokens")
        }
    }

    /// `--no-skip-admission`: admission stops at the first waiting request that does not fit, as
    /// the FCFS baselines' does; by default it goes on to one that does. The 100-token prompt with
    /// one decode is valued far below the 8-token prompt with 100 decodes, so it is offered first,
    /// but it needs 25 blocks with about 19 free.
    @Test(arguments: [true, false])
    func skipAdmissionGoesPastARequestThatDoesNotFit(skips: Bool) throws {
        let parameters = AugServeMechanismTests.parameters { $0.skipsUnfitRequests = skips }
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 40, blockSize: 4, budget: 2048, maxRunning: 8, maxContext: 128,
            cost: AugServeMechanismTests.cost, augserve: parameters)
        try harness.submit(prompt: 80, segments: [.init(decodeTokenCount: 40)], seed: 1)
        try harness.step()
        let big = try harness.submit(prompt: 100, segments: [.init(decodeTokenCount: 1)], seed: 2)
        let small = try harness.submit(prompt: 8, segments: [.init(decodeTokenCount: 100)], seed: 3)
        #expect(harness.core.blockPool.freeCount < 25)
        try harness.step()
        #expect(harness.core.state(of: big) == .waiting)
        #expect(harness.core.state(of: small) == (skips ? .running : .waiting))
    }

    /// `--headroom`: admission leaves `R = running × lookahead` tokens free for the running
    /// decodes to grow into. A request that fits in the free memory only without that reserve is
    /// admitted without `--headroom` and kept waiting with it.
    @Test(arguments: [true, false])
    func headroomKeepsRoomForRunningDecodes(headroom: Bool) throws {
        let parameters = AugServeMechanismTests.parameters {
            $0.reservesDecodeHeadroom = headroom
            $0.decodeLookahead = 8
        }
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 40, blockSize: 4, budget: 2048, maxRunning: 8, maxContext: 128,
            cost: AugServeMechanismTests.cost, augserve: parameters)
        for seed in 1...3 { try harness.submit(prompt: 16, segments: [.init(decodeTokenCount: 100)], seed: Int32(seed)) }
        try harness.step()
        try harness.step()
        #expect(harness.core.snapshot.runningCount == 3)
        let free = harness.core.blockPool.freeCount
        // Needs free − 3 blocks (room even if all three decodes take a block this round), but the
        // reserve is ⌈3 · 8 / 4⌉ = 6 blocks.
        let newcomer = try harness.submit(prompt: (free - 3) * 4, segments: [.init(decodeTokenCount: 2)], seed: 9)
        try harness.step()
        #expect(harness.core.state(of: newcomer) == (headroom ? .waiting : .running))
    }

    /// `--no-stage2`: no refinement — a request's cost stays its Stage I value when its call
    /// returns 300 tokens instead of the 10 predicted (with Stage II it rises: see
    /// `AugServeRuntimeTests.refinementUsesTheActualReturnedLength`).
    @Test(arguments: [true, false])
    func noStageTwoKeepsTheStageOneValue(stageTwo: Bool) throws {
        var parameters = AugServeParameters()
        parameters.usesStageTwo = stageTwo
        // No host swap space: both calls are held by discarding (swapping would be cheaper).
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 400, hostBlocks: 0, blockSize: 16, budget: 4096, maxRunning: 8, maxContext: 2048,
            cost: AugServeValueTests.cost, augserve: parameters)
        harness.autoReturnCalls = false
        let segments: [ScriptedSegment] = [.init(decodeTokenCount: 5, call: CoreHarness.call(5, returns: 10)), .init(decodeTokenCount: 50)]
        let short = try harness.submit(prompt: 200, segments: segments, maxOutput: 1000, seed: 1)
        let long = try harness.submit(prompt: 200, segments: segments, maxOutput: 1000, seed: 2)
        for _ in 0..<6 { try harness.step() }
        #expect(harness.core.state(of: short) == .paused(.discard) && harness.core.state(of: long) == .paused(.discard))
        try harness.core.callReturned(short, returnedTokens: Array(repeating: 3, count: 10), now: harness.now)
        try harness.core.callReturned(long, returnedTokens: Array(repeating: 3, count: 300), now: harness.now)
        let shortState = try #require(harness.core.requests[short]?.augserve)
        let longState = try #require(harness.core.requests[long]?.augserve)
        if stageTwo {
            #expect(longState.remainingCost > shortState.remainingCost)
        } else {
            #expect(longState.remainingCost == longState.value && shortState.remainingCost == shortState.value)
            #expect(harness.core.requests[long]?.queueKey == harness.core.requests[short]?.queueKey)
        }
    }
}
