import ServingCore
import Testing

/// vLLM with automatic prefix caching: a resumed request re-uses its cached blocks instead of
/// prefilling its whole context again, as long as they were not evicted.
@Suite struct PrefixCachingTests {
    private func run(_ policy: PolicyKind, deviceBlocks: Int) throws -> (CoreHarness, RequestOutcome) {
        let harness = try CoreHarness(policy: policy, deviceBlocks: deviceBlocks, blockSize: 4, budget: 4096, maxContext: 256)
        let id = try harness.submit(
            prompt: 40, segments: [.init(decodeTokenCount: 3, call: CoreHarness.call(0.05, returns: 6)), .init(decodeTokenCount: 2)])
        try harness.runToCompletion()
        return (harness, try #require(harness.outcomes[id]))
    }

    @Test func resumeReusesCachedBlocks() throws {
        let (plain, plainOutcome) = try run(.vllm, deviceBlocks: 64)
        let (cached, cachedOutcome) = try run(.vllmAPC, deviceBlocks: 64)
        // Context at the call: 40 prompt + 3 generated, of which 42 were computed (10 full blocks).
        #expect(plainOutcome.recomputedTokenCount == 42)
        #expect(cachedOutcome.recomputedTokenCount == 2, "only the partial 11th block is recomputed")
        let resumedPlain = plain.plans.flatMap(\.sequences).filter { $0.tokenCount > 1 }.map(\.startPosition)
        let resumedCached = cached.plans.flatMap(\.sequences).filter { $0.tokenCount > 1 }.map(\.startPosition)
        #expect(resumedPlain == [0, 0])
        #expect(resumedCached == [0, 40])
        #expect(cached.core.blockPool.usedCount == 0, "all blocks returned (cached blocks count as free)")
    }

    /// Another request needing every block evicts the cache while the first is in its call.
    @Test func evictedBlocksAreRecomputed() throws {
        let harness = try CoreHarness(policy: .vllmAPC, deviceBlocks: 16, blockSize: 4, budget: 4096, maxContext: 64)
        let first = try harness.submit(
            prompt: 40, segments: [.init(decodeTokenCount: 3, call: CoreHarness.call(0.05, returns: 6)), .init(decodeTokenCount: 2)])
        harness.autoReturnCalls = false
        try harness.step()
        try harness.step()
        try harness.step()
        #expect(harness.core.state(of: first) == .paused(.discard))
        #expect(harness.core.blockPool.cachedFreeCount == 10, "42 computed tokens: 10 full blocks cached")
        try harness.submit(prompt: 60, segments: [.init(decodeTokenCount: 1)], seed: 9)
        try harness.step()
        #expect(harness.core.blockPool.evictionCount == 9, "15 blocks needed, 6 never cached: 9 evicted")
        try harness.core.callReturned(first, returnedTokens: Array(repeating: 9, count: 6), now: harness.now)
        try harness.runToCompletion()
        let outcome = try #require(harness.outcomes[first])
        #expect(outcome.recomputedTokenCount > 2)
    }
}
