@testable import ServingCore
import Testing

/// Stage II refinement, the dynamic budget, predictor warm-up.
@Suite struct AugServeRuntimeTests {
    /// Two requests predicted alike; one call returns 300 tokens instead of the 10 seen so far. Once
    /// the calls return (context discarded), the refined remaining cost of the long return is higher.
    @Test func refinementUsesTheActualReturnedLength() throws {
        // No host swap space: both calls are held by discarding (swapping would be cheaper).
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 400, hostBlocks: 0, blockSize: 16, budget: 4096, maxRunning: 8, maxContext: 2048,
            cost: AugServeValueTests.cost)
        harness.autoReturnCalls = false
        let call = CoreHarness.call(5, returns: 10)
        let segments: [ScriptedSegment] = [.init(decodeTokenCount: 5, call: call), .init(decodeTokenCount: 50)]
        let short = try harness.submit(prompt: 200, segments: segments, maxOutput: 1000, seed: 1)
        let long = try harness.submit(prompt: 200, segments: segments, maxOutput: 1000, seed: 2)
        for _ in 0..<6 { try harness.step() }
        #expect(harness.core.state(of: short) == .paused(.discard) && harness.core.state(of: long) == .paused(.discard))
        try harness.core.callReturned(short, returnedTokens: Array(repeating: 3, count: 10), now: harness.now)
        try harness.core.callReturned(long, returnedTokens: Array(repeating: 3, count: 300), now: harness.now)
        let shortCost = try #require(harness.core.requests[short]?.augserve?.remainingCost)
        let longCost = try #require(harness.core.requests[long]?.augserve?.remainingCost)
        #expect(longCost > shortCost)
        #expect(harness.core.requests[long]?.pendingTokenCount == 205 + 300 + 1 - 1)
        // The predictor learned from both calls: 2 observations, returned MAE = (0 + 290) / 2 with the default prediction of 16.
        let accuracy = try #require(harness.core.predictorAccuracy)
        #expect(accuracy.callCount == 2)
        #expect(abs(accuracy.returnedMAE - Double(abs(16 - 10) + abs(16 - 300)) / 2) < 1e-9)
    }

    /// `B = clamp((F + γP − R)/κ, Bmin, Bmax)`, smoothed with η.
    @Test func budgetClampsAndSmooths() {
        var parameters = AugServeParameters()
        parameters.kappa = 4
        parameters.gamma = 0.5
        parameters.minBudget = 256
        parameters.eta = 0.5
        parameters.decodeLookahead = 8
        // Half the 100 ms objective is 50 ms: Bmax = (0.050 − 0.010) / 50 µs = 800 tokens.
        var budget = DynamicTokenBudget(parameters: parameters, cost: AugServeValueTests.cost, normalizedLatencyObjective: .milliseconds(100))
        #expect(budget.maxBudget(decodeContextTokens: 0) == 800)
        // (4000 + 0.5·1000 − 10·8) / 4 = 1105 → clamped to 800 (first value, no smoothing yet).
        #expect(budget.next(freeTokens: 4000, preservedTokens: 1000, runningDecodes: 10, decodeContextTokens: 0) == 800)
        // Memory full: raw < Bmin → 256; smoothed 0.5·800 + 0.5·256 = 528, then 392.
        #expect(budget.next(freeTokens: 0, preservedTokens: 0, runningDecodes: 10, decodeContextTokens: 0) == 528)
        #expect(budget.next(freeTokens: 0, preservedTokens: 0, runningDecodes: 10, decodeContextTokens: 0) == 392)
        // In between: (2000 − 80) / 4 = 480 → 0.5·392 + 0.5·480 = 436.
        #expect(budget.next(freeTokens: 2000, preservedTokens: 0, runningDecodes: 10, decodeContextTokens: 0) == 436)
        // Decode context lowers Bmax: k = 1 µs · 20,000 tokens takes 20 ms of the 50 → (0.05 − 0.01 − 0.02)/50 µs = 400.
        var cost = AugServeValueTests.cost
        cost.perContextToken = .microseconds(1)
        let contextual = DynamicTokenBudget(parameters: parameters, cost: cost, normalizedLatencyObjective: .milliseconds(100))
        #expect(contextual.maxBudget(decodeContextTokens: 20_000) == 400)
        #expect(contextual.maxBudget(decodeContextTokens: 200_000) == 256, "Bmin wins when even it breaks the objective")
    }

    @Test func historyPredictorWarmsUp() {
        let predictor = HistoryPredictor()
        let spec = RequestSpec(promptTokens: [1, 2, 3], maxOutputTokenCount: 100, requestClass: "math")
        // Cold: fixed defaults.
        #expect(predictor.predict(spec).bucket == HistoryPredictor.defaultBucket)
        #expect(predictor.predictCall(name: "calculator", requestClass: "math", truth: nil) == HistoryPredictor.defaultCall)
        // Another class's history is the global fallback until "math" has 3 observations.
        for _ in 0..<5 { predictor.observeFinished(requestClass: "chat", promptTokenCount: 3, generatedTokenCount: 40, callCount: 0) }
        #expect(predictor.predict(spec).bucket == OutputLengthBuckets.bucket(of: 40))
        for _ in 0..<3 { predictor.observeFinished(requestClass: "math", promptTokenCount: 3000, generatedTokenCount: 600, callCount: 3) }
        let warm = predictor.predict(spec)
        #expect(warm.bucket == OutputLengthBuckets.bucket(of: 600) && warm.decodeTokenCount == 896)
        #expect(warm.calls.count == 3)
        // Three short-prompt "math" requests refine the class for prompts of that length only.
        for _ in 0..<3 { predictor.observeFinished(requestClass: "math", promptTokenCount: 3, generatedTokenCount: 50, callCount: 1) }
        #expect(predictor.predict(spec).bucket == OutputLengthBuckets.bucket(of: 50))
        let longPrompt = RequestSpec(promptTokens: Array(repeating: 1, count: 3000), maxOutputTokenCount: 100, requestClass: "math")
        #expect(predictor.predict(longPrompt).bucket == OutputLengthBuckets.bucket(of: 600))
        // Per-tool statistics: the mean of what was seen.
        predictor.observeCall(name: "calculator", requestClass: "math", duration: .milliseconds(1), returnedTokenCount: 20)
        predictor.observeCall(name: "calculator", requestClass: "math", duration: .milliseconds(3), returnedTokenCount: 30)
        let call = predictor.predictCall(name: "calculator", requestClass: "math", truth: nil)
        #expect(abs(call.duration.seconds - 0.002) < 1e-12 && call.returnedTokenCount == 25)
        // An unseen tool of a known class falls back to the class's calls.
        #expect(predictor.predictCall(name: "new_tool", requestClass: "math", truth: nil).returnedTokenCount == 25)
    }

    @Test func outputBucketsUseTheUpperMiddle() {
        #expect(OutputLengthBuckets.bucket(of: 0) == 0 && OutputLengthBuckets.bucket(of: 31) == 0 && OutputLengthBuckets.bucket(of: 32) == 1)
        #expect(OutputLengthBuckets.upperMiddle(4) == 256 + 192)
        #expect(OutputLengthBuckets.bucket(of: 100_000) == OutputLengthBuckets.count - 1)
    }
}
