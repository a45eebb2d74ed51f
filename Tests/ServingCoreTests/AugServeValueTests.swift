@testable import ServingCore
import Testing

/// Stage I's value on hand-computed examples, and Proposition 1: a longer request that mostly
/// receives returned tokens (prefilled many per iteration) costs less than a shorter one that
/// generates (one token per iteration), so it must go first.
@Suite struct AugServeValueTests {
    /// c = 10 ms, a = 50 µs: one 384-token iteration takes f = 0.0292 s.
    static let cost = IterationCostModel(
        fixed: .milliseconds(10), perToken: .microseconds(50), perContextToken: .zero,
        kvBytesPerToken: 458_752, swapBytesPerSecond: 10e9)
    static let estimator = CostEstimator(cost: cost, chunkTokenCount: 384)
    static let f = 0.0292

    @Test func prefillAndDecodeCostsMatchHandComputation() {
        // 500 prompt tokens in chunks of 384: after chunk 1 the request holds 384, after chunk 2 all 500.
        #expect(abs(Self.estimator.prefill(context: 0, tokens: 500) - (384 + 500) * Self.f) < 1e-9)
        // 10 decodes from 100 tokens of context: Σ (100 + i), i = 1…10 = 1055 token-iterations.
        #expect(abs(Self.estimator.decode(context: 100, tokens: 10) - 1055 * Self.f) < 1e-9)
        #expect(Self.estimator.prefill(context: 7, tokens: 0) == 0 && Self.estimator.decode(context: 7, tokens: 0) == 0)
    }

    @Test func valueAddsCallWasteAndReturnedPrefill() {
        // Prompt 100, 10 generated, a 2 s call returning 20, 10 generated.
        let call = CallPrediction(duration: .seconds(2), returnedTokenCount: 20)
        let value = Self.estimator.futureCost(context: 0, pendingTokens: 100, decodeLeft: 20, calls: [call][...], load: RunningLoad())
        let prefill = 100 * Self.f
        let firstDecode = (10 * 100 + 55) * Self.f
        // At the call the context is 110: preserve 2 s · 110 = 220 vs discard a·110·110 = 0.605 → discard.
        let discardWaste = 50e-6 * 110 * 110
        let returned = (110 + 20) * Self.f
        let secondDecode = (10 * 130 + 55) * Self.f
        #expect(abs(value - (prefill + firstDecode + discardWaste + returned + secondDecode)) < 1e-9)
    }

    @Test func propositionOneLongerRequestCanCostLess() {
        // A: prompt 100, generates 200 (total 300 tokens). B: prompt 100, generates 20, a 0 s call
        // returns 500, generates 20 (total 640 tokens).
        let a = Self.estimator.futureCost(context: 0, pendingTokens: 100, decodeLeft: 200, calls: [][...], load: RunningLoad())
        let b = Self.estimator.futureCost(
            context: 0, pendingTokens: 100, decodeLeft: 40,
            calls: [CallPrediction(duration: .zero, returnedTokenCount: 500)][...], load: RunningLoad())
        #expect(b < a, "B (640 tokens) must be valued below A (300 tokens): \(b) vs \(a)")
    }

    /// With one running slot and both waiting, AugServe (oracle predictor) serves B first; FCFS
    /// order (no Stage I) serves A, which arrived first.
    @Test(arguments: [true, false])
    func longerButCheaperRequestIsServedFirst(stageOne: Bool) throws {
        var parameters = AugServeParameters()
        parameters.predictor = .oracle
        parameters.usesStageOne = stageOne
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 400, blockSize: 16, budget: 4096, maxRunning: 1, maxContext: 2048,
            cost: Self.cost, augserve: parameters)
        let blocker = try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 3)], seed: 9)
        try harness.step()  // the blocker takes the only running slot
        let a = try harness.submit(prompt: 100, segments: [.init(decodeTokenCount: 200)], seed: 1)
        let b = try harness.submit(
            prompt: 100, segments: [.init(decodeTokenCount: 20, call: CoreHarness.call(0, returns: 500)), .init(decodeTokenCount: 20)], seed: 2)
        try harness.runToCompletion()
        let aStart = try #require(harness.outcomes[a]?.firstTokenAt)
        let bStart = try #require(harness.outcomes[b]?.firstTokenAt)
        #expect(harness.outcomes[blocker] != nil)
        #expect((bStart < aStart) == stageOne)
    }
}
