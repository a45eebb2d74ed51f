import ServingCore
import Testing

/// InferCept under memory pressure: the kept swap target gives up its tail blocks within the
/// per-iteration swap-out budget; when it returns it is swapped back in, or converted to recompute
/// if nothing is waiting.
@Suite struct SwapTests {
    /// P pauses for 0.5 s holding 15 blocks; Q's decodes need more memory than is free.
    /// With `blockedRequest`, R waits for memory the whole time, so the waiting queue is not empty.
    private func scenario(blockedRequest: Bool) throws -> (CoreHarness, RequestID) {
        let harness = try CoreHarness(policy: .infercept, deviceBlocks: 48, hostBlocks: 64, blockSize: 4, maxContext: 192)
        let p = try harness.submit(
            prompt: 60, segments: [.init(decodeTokenCount: 1, call: CoreHarness.call(0.5, returns: 4)), .init(decodeTokenCount: 2)])
        harness.now = .milliseconds(1)
        try harness.submit(prompt: 90, segments: [.init(decodeTokenCount: 80)], seed: 2)
        if blockedRequest { try harness.submit(prompt: 100, segments: [.init(decodeTokenCount: 2)], seed: 3) }
        try harness.runToCompletion()
        return (harness, p)
    }

    @Test func swapTargetIsSwappedOutWithinBudget() throws {
        let (harness, p) = try scenario(blockedRequest: true)
        let swappedOut = harness.plans.reduce(0) { $0 + $1.swapOut.count }
        let swappedIn = harness.plans.reduce(0) { $0 + $1.swapIn.count }
        #expect(swappedOut > 0 && swappedOut == swappedIn, "every block that left came back")
        #expect(harness.interceptions().map(\.1) == [.preserve])
        let outcome = try #require(harness.outcomes[p])
        #expect(outcome.recomputedTokenCount == 0, "swapped, not recomputed")
        #expect(outcome.swappedBlockCount == swappedOut + swappedIn)
        #expect(harness.core.hostSwapSpace.usedCount == 0 && harness.core.blockPool.usedCount == 0)
    }

    @Test func swappedRequestIsConvertedToRecomputeWhenNothingWaits() throws {
        let (harness, p) = try scenario(blockedRequest: false)
        let swappedOut = harness.plans.reduce(0) { $0 + $1.swapOut.count }
        let swappedIn = harness.plans.reduce(0) { $0 + $1.swapIn.count }
        #expect(swappedOut > 0)
        #expect(swappedIn == 0, "converted to recompute instead of swapping back in")
        let outcome = try #require(harness.outcomes[p])
        #expect(outcome.recomputedTokenCount == 60)
        #expect(harness.core.hostSwapSpace.usedCount == 0 && harness.core.blockPool.usedCount == 0)
    }

    @Test func swapBudgetSplitKeepsTheTotal() {
        let budget = SwapBudget()
        let total = (1 + 2 * 0.00462) * 384 + 2 * 109
        let tight = budget.split(chunkTokenCount: 384, freeTokenCount: 0)
        let roomy = budget.split(chunkTokenCount: 384, freeTokenCount: 400)
        #expect(tight.swapIn == Int(0.00462 * 384 + 109))
        #expect(roomy.swapIn == Int(0.00462 * 384 + 109 + 200))
        #expect(abs(Double(tight.swapIn + tight.swapOut) - total) <= 1)
        #expect(abs(Double(roomy.swapIn + roomy.swapOut) - total) <= 1)
        let huge = budget.split(chunkTokenCount: 384, freeTokenCount: 1_000_000)
        #expect(huge.swapOut == 0 && Double(huge.swapIn) <= total)
    }

    @Test func derivedSwapBudgetMatchesPublishedConstants() {
        // GPT-J-6B on an A100 (c = 10 ms, a = 0.0463 ms, 458,752 B/token, 10 GB/s): b ≈ 109.
        let cost = IterationCostModel(
            fixed: .milliseconds(10), perToken: .nanoseconds(46_300), perContextToken: .zero,
            kvBytesPerToken: 458_752, swapBytesPerSecond: 10e9)
        let derived = SwapBudget.derived(from: cost, chunkTokenCount: 384)
        #expect(abs(derived.b - 109) < 2)
    }

    /// The live engine's split follows its cost model (at start and at every refit); a fixed split
    /// stays where it was configured.
    @Test(arguments: [PolicyKind.infercept, .augserve])
    func swapBudgetFollowsTheCostModel(policy: PolicyKind) throws {
        func cost(link: Double) -> IterationCostModel {
            IterationCostModel(
                fixed: .milliseconds(10), perToken: .microseconds(50), perContextToken: .nanoseconds(300),
                kvBytesPerToken: 458_752, swapBytesPerSecond: link)
        }
        func totalBudget(_ harness: CoreHarness) throws -> Int {
            try harness.submit(prompt: 8, segments: [ScriptedSegment(decodeTokenCount: 2)], seed: Int32(harness.plans.count + 1))
            try harness.step()
            return harness.core.snapshot.swapInBudget + harness.core.snapshot.swapOutBudget
        }
        let slow = cost(link: 1e9), fast = cost(link: 200e9)
        let following = try CoreHarness(policy: policy, cost: slow, swapBudgetFollowsCost: true)
        let fixed = try CoreHarness(policy: policy, cost: slow)
        let slowTotal = try totalBudget(following)
        let fixedTotal = try totalBudget(fixed)
        #expect(slowTotal == SwapBudget.derived(from: slow, chunkTokenCount: 384).totalTokenCount(chunkTokenCount: 384))
        #expect(fixedTotal == SwapBudget().totalTokenCount(chunkTokenCount: 384))
        #expect(slowTotal != fixedTotal)
        try following.core.updateCostModel(fast)
        try fixed.core.updateCostModel(fast)
        let fastTotal = try totalBudget(following)
        #expect(fastTotal == SwapBudget.derived(from: fast, chunkTokenCount: 384).totalTokenCount(chunkTokenCount: 384))
        #expect(fastTotal > 10 * slowTotal)
        #expect(try totalBudget(fixed) == fixedTotal)
    }
}
