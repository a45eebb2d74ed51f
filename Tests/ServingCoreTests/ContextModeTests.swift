@testable import ServingCore
import Testing

/// InferCept's preserve-vs-discard decision against waste computed by hand (Appendix A).
@Suite struct ContextModeTests {
    static let cost = IterationCostModel(
        fixed: .milliseconds(10), perToken: .microseconds(50), perContextToken: .zero,
        kvBytesPerToken: 458_752, swapBytesPerSecond: 10e9)

    @Test func discardWasteMatchesHandComputation() {
        let model = WasteModel(cost: Self.cost, chunkTokenCount: 384)
        // C = 1000, one pending running token → h = 383, n = ceil(1000/383) − 1 = 2, r = 234.
        // f_s = 0.010 + 384·50e-6 = 0.0292; f_h = 50e-6·383 = 0.01915; R_m = 200.
        // w_d = 0.0292·383·3 + 0.01915·2·200 + 50e-6·234·434 = 33.5508 + 7.66 + 5.0778 = 46.2886
        let wd = model.discard(contextTokenCount: 1000, pendingRunningTokenCount: 1, runningContextTokenCount: 200)
        #expect(abs(wd - 46.2886) < 1e-6)
        // C = 500: n = 1, r = 117: 0.0292·383 + 0.01915·200 + 50e-6·117·317 = 11.1836 + 3.83 + 1.85445
        let wd2 = model.discard(contextTokenCount: 500, pendingRunningTokenCount: 1, runningContextTokenCount: 200)
        #expect(abs(wd2 - 16.86805) < 1e-6)
        #expect(model.preserve(remainingCall: .milliseconds(20), contextTokenCount: 1000) == 20)
        #expect(model.discard(contextTokenCount: 0, pendingRunningTokenCount: 0, runningContextTokenCount: 500) == 0)
    }

    /// Swaps overlap compute (`IterationCostModel.stepSeconds`), so within a budget the link can
    /// carry behind one iteration the running batch is not stalled: only the swapped context's own
    /// memory idles, 1000 tokens · 458,752 B / 10 GB/s = 0.0458752 s each way.
    @Test func swapWasteCountsOnlyTheSwappedContextWithinTheBudget() {
        let model = WasteModel(cost: Self.cost, chunkTokenCount: 384)  // 605 tokens per iteration
        let ws = model.swap(contextTokenCount: 1000, runningContextTokenCount: 200)
        #expect(abs(ws - 2 * 0.0458752 * 1000) < 1e-9)
        #expect(model.swap(contextTokenCount: 1000, runningContextTokenCount: 50_000) == ws, "no batch stall")
        #expect(model.swap(contextTokenCount: 0, runningContextTokenCount: 200) == 0)
    }

    /// A budget larger than the link moves behind one 384-token iteration stalls the batch by
    /// exactly what the executor adds to that step: `stepSeconds − compute` per iteration.
    @Test func swapWasteChargesTheBatchTheExecutorsStall() {
        let budget = SwapBudget(b: 5000)  // 10,387 tokens per iteration, 5,193 each way
        let model = WasteModel(cost: Self.cost, chunkTokenCount: 384, swapBudget: budget)
        let perDirection = budget.totalTokenCount(chunkTokenCount: 384) / 2
        #expect(perDirection == 5193)
        let fs = 0.0292
        let stall = Self.cost.stepSeconds(computeSeconds: fs, swapTokenCount: perDirection) - fs
        #expect(abs(stall - (5193 * 458_752 / 10e9 - fs)) < 1e-12)
        // C = 8000 spans ⌈8000 / 5193⌉ = 2 iterations each way.
        let expected = 2 * (8000 * 458_752 / 10e9 * 8000 + 2 * stall * 200)
        #expect(abs(model.swap(contextTokenCount: 8000, runningContextTokenCount: 200) - expected) < 1e-9)
    }

    /// P1 (1000 tokens, 1 s call) and P2 (500 tokens, 1 s call) both waste less discarded than
    /// preserved (46.29 < 1000 and 16.87 < 500); all but the largest discard waste are discarded,
    /// so P2 is discarded and P1 kept. P3 (1000 tokens, 20 ms call) wastes 20 preserved < 46.29.
    @Test func inferceptDiscardsAllCandidatesButTheLargest() throws {
        let harness = try CoreHarness(
            policy: .infercept, deviceBlocks: 400, blockSize: 16, budget: 4096, maxContext: 2048, cost: Self.cost)
        harness.autoReturnCalls = false
        let long = CoreHarness.call(1, returns: 4), short = CoreHarness.call(0.02, returns: 4)
        let p1 = try harness.submit(prompt: 1000, segments: [.init(decodeTokenCount: 1, call: long), .init(decodeTokenCount: 1)])
        let p2 = try harness.submit(prompt: 500, segments: [.init(decodeTokenCount: 1, call: long), .init(decodeTokenCount: 1)], seed: 2)
        let p3 = try harness.submit(prompt: 1000, segments: [.init(decodeTokenCount: 1, call: short), .init(decodeTokenCount: 1)], seed: 3)
        try harness.submit(prompt: 200, segments: [.init(decodeTokenCount: 50)], seed: 4)
        try harness.step()  // all four prefill; P1–P3 sample their one token and pause in Preserve
        #expect(harness.core.state(of: p1) == .paused(.preserve))
        try harness.step()  // the decision runs at the start of this round: R_m = 200, one pending token
        #expect(harness.core.state(of: p1) == .paused(.preserve))
        #expect(harness.core.state(of: p2) == .paused(.discard))
        #expect(harness.core.state(of: p3) == .paused(.preserve))
    }
}
