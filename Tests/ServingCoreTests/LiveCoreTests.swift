@testable import ServingCore
import Testing

/// What the live engine needs from the core: calls the model decided, stop conditions found in
/// text, OpenAI output accounting, executor faults, vocabulary checks, per-request priority and
/// objectives, prefix-cache usage counts, and a cost model replaced while serving.
@Suite struct LiveCoreTests {
    /// A free-generation request (no script).
    static func spec(prompt: Int = 20, maxOutput: Int = 40, seed: Int32 = 1, stop: [TokenID] = [], minOutput: Int = 0, priority: Int = 0) -> RequestSpec {
        RequestSpec(
            promptTokens: CoreHarness.prompt(prompt, seed: seed), sampling: SamplingParameters(stopTokenIDs: stop),
            maxOutputTokenCount: maxOutput, minOutputTokenCount: minOutput, requestClass: "agent", priority: priority)
    }

    @Test("a live interception pauses, resumes and keeps the returned tokens as context", arguments: PolicyKind.allCases)
    func liveInterception(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 64, blockSize: 4, interceptPredictor: .history)
        let id = try harness.core.submit(Self.spec(maxOutput: 30), now: harness.now)
        for _ in 0..<4 { try harness.step() }
        let generatedBefore = try #require(harness.core.requests[id]).generatedCount
        let mode = try harness.core.intercept(id, call: CallDescriptor(name: "search"), now: harness.now)
        if policy == .vllm || policy == .vllmAPC { #expect(mode == .discard) }
        #expect(harness.core.state(of: id) == .paused(mode))
        #expect(harness.core.checkInvariants().isEmpty)
        // A paused request cannot be intercepted again; an unknown one is reported.
        #expect(throws: EngineError.self) { try harness.core.intercept(id, call: CallDescriptor(name: "x"), now: harness.now) }
        #expect(throws: EngineError.unknownRequest(RequestID(999))) {
            try harness.core.intercept(RequestID(999), call: CallDescriptor(name: "x"), now: harness.now)
        }
        for _ in 0..<3 { try harness.step() }  // the call runs; nothing of it is scheduled
        #expect(harness.plans.suffix(3).allSatisfy { $0.sequences.allSatisfy { $0.requestID != id } })
        try harness.core.callReturned(id, returnedTokens: Array(repeating: 7, count: 12), now: harness.now)
        try harness.runToCompletion()
        let outcome = try #require(harness.outcomes[id])
        #expect(outcome.finishReason == .length)
        #expect(outcome.callCount == 1 && outcome.returnedTokenCount == 12)
        // OpenAI accounting: max_tokens limits generated tokens only; the tool's 12 are context.
        #expect(outcome.generatedTokenCount == 30)
        #expect(generatedBefore < 30)
        #expect(harness.core.blockPool.usedCount == 0)
        #expect(harness.core.checkInvariants().isEmpty)
    }

    @Test func tracedAccountingCountsReturnedTokens() throws {
        let harness = try CoreHarness(policy: .vllm, deviceBlocks: 64, blockSize: 4)
        let call = ScriptedCall(name: "t", duration: .milliseconds(5), returnedTokenCount: 10)
        let segments = [ScriptedSegment(decodeTokenCount: 5, call: call), ScriptedSegment(decodeTokenCount: 50)]
        let replay = try harness.core.submit(
            RequestSpec(promptTokens: CoreHarness.prompt(8), sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: 25,
                        outputAccounting: .generatedAndReturned, segments: segments), now: .zero)
        let openAI = try harness.core.submit(
            RequestSpec(promptTokens: CoreHarness.prompt(8), sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: 25,
                        outputAccounting: .generatedOnly, segments: segments), now: .zero)
        try harness.runToCompletion()
        #expect(harness.outcomes[replay]?.generatedTokenCount == 15)  // 25 − 10 returned
        #expect(harness.outcomes[openAI]?.generatedTokenCount == 25)
        #expect(harness.outcomes[openAI]?.finishReason == .length)
    }

    /// AugServe and InferCept take call durations from the history predictor on the live engine:
    /// after one live `search` call of 3 s, the next `search` is expected to last about 3 s.
    @Test("the history predictor learns live call durations", arguments: [PolicyKind.infercept, .augserve])
    func predictorLearnsLiveCalls(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 64, blockSize: 4, interceptPredictor: .history)
        let first = try harness.core.submit(Self.spec(seed: 1), now: .zero)
        let second = try harness.core.submit(Self.spec(seed: 2), now: .zero)
        for _ in 0..<3 { try harness.step() }
        try harness.core.intercept(first, call: CallDescriptor(name: "search"), now: harness.now)
        let cold = try #require(harness.core.requests[first]?.pendingCall?.expectedDuration)
        #expect(cold == HistoryPredictor.defaultCall.duration)
        harness.now += .seconds(3)
        try harness.core.callReturned(first, returnedTokens: [1, 2, 3], now: harness.now)
        try harness.core.intercept(second, call: CallDescriptor(name: "search"), now: harness.now)
        let learned = try #require(harness.core.requests[second]?.pendingCall?.expectedDuration)
        #expect(abs(learned.seconds - 3) < 1e-9)
        // Another tool, never seen: falls back to the class's calls (the same 3 s here).
        try harness.core.callReturned(second, returnedTokens: [1], now: harness.now)
        try harness.runToCompletion()
    }

    @Test func finishingAtTheEdgeEndsAsStopAndTeachesThePredictor() throws {
        let harness = try CoreHarness(policy: .augserve, deviceBlocks: 64, blockSize: 4)
        let stopped = try harness.core.submit(Self.spec(seed: 1), now: .zero)
        let aborted = try harness.core.submit(Self.spec(seed: 2), now: .zero)
        for _ in 0..<5 { try harness.step() }
        let outcome = try #require(harness.core.finish(stopped, reason: .stop, now: harness.now))
        #expect(outcome.finishReason == .stop && outcome.generatedTokenCount == 5)
        #expect(harness.core.predictorAccuracy?.finishedCount == 1)
        harness.core.abort(aborted, now: harness.now)
        #expect(harness.core.predictorAccuracy?.finishedCount == 1)  // aborts teach nothing
        #expect(harness.core.finish(stopped, reason: .stop, now: harness.now) == nil)
        #expect(harness.core.blockPool.usedCount == 0)
        #expect(harness.core.checkInvariants().isEmpty)
    }

    /// A request finished while its step runs: the step's token for it is dropped, nothing throws.
    @Test func finishingDuringAStep() throws {
        let harness = try CoreHarness(policy: .vllm)
        let id = try harness.core.submit(Self.spec(), now: .zero)
        try harness.step()
        let plan = harness.core.schedule(now: harness.now)
        #expect(plan.sequences.map(\.requestID) == [id])
        harness.core.finish(id, reason: .stop, now: harness.now)
        let events = try harness.core.apply(StepOutput(sampledTokens: [SampledToken(requestID: id, token: 5)], duration: .milliseconds(1)), now: harness.now)
        #expect(events.isEmpty)
        #expect(harness.core.checkInvariants().isEmpty)
    }

    /// The executor throws: the step's requests — sequences and swap transfers — fail with
    /// `.error`, their blocks return, the others carry on and the engine keeps scheduling.
    @Test("executor faults fail the step's requests only", arguments: PolicyKind.allCases)
    func executorFault(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 64, blockSize: 4, budget: 16, maxRunning: 1)
        let inStep = try harness.core.submit(Self.spec(prompt: 8, seed: 1), now: .zero)
        let queued = try harness.core.submit(Self.spec(prompt: 8, seed: 2), now: .zero)
        try harness.step()
        let plan = harness.core.schedule(now: harness.now)
        #expect(plan.sequences.map(\.requestID) == [inStep])
        let events = harness.core.failInFlight(now: harness.now)
        #expect(events.count == 1)
        guard case .finished(let outcome) = events.first else { Issue.record("no finish event"); return }
        #expect(outcome.id == inStep && outcome.finishReason == .error)
        #expect(harness.core.state(of: queued) == .waiting)
        #expect(harness.core.checkInvariants().isEmpty)
        try harness.runToCompletion()
        #expect(harness.outcomes[queued]?.finishReason == .length)
        #expect(harness.core.blockPool.usedCount == 0)
    }

    /// A swap-in that the executor failed to copy: the swapped request fails too, and the host
    /// slots it was reading are returned.
    @Test func faultDuringSwapFailsTheTransferredRequest() throws {
        let harness = try CoreHarness(policy: .infercept, deviceBlocks: 16, hostBlocks: 64, blockSize: 4, budget: 64, maxContext: 64)
        harness.autoReturnCalls = false
        let call = ScriptedCall(name: "t", duration: .seconds(100), returnedTokenCount: 4)
        let paused = try harness.submit(prompt: 24, segments: [.init(decodeTokenCount: 2, call: call), .init(decodeTokenCount: 2)])
        for _ in 0..<3 { try harness.step() }
        #expect(harness.core.state(of: paused) == .paused(.preserve))
        _ = try harness.submit(prompt: 20, segments: [.init(decodeTokenCount: 30)], seed: 2)  // pressure: swaps the paused one out
        var sawSwapOut = false
        for _ in 0..<40 where !sawSwapOut {
            let plan = harness.core.schedule(now: harness.now)
            if !plan.swapOut.isEmpty {
                sawSwapOut = true
                let events = harness.core.failInFlight(now: harness.now)
                let failed = events.compactMap { if case .finished(let o) = $0 { o.id } else { nil } }
                #expect(failed.contains(paused))
            } else {
                let sampled = plan.sequences.filter(\.samplesNextToken).map { SampledToken(requestID: $0.requestID, token: 5) }
                harness.now += .milliseconds(10)
                harness.record(try harness.core.apply(StepOutput(sampledTokens: sampled, duration: .milliseconds(10)), now: harness.now))
            }
        }
        #expect(sawSwapOut)
        #expect(harness.core.checkInvariants().isEmpty)
        #expect(harness.core.hostSwapSpace.usedCount == 0)
    }

    @Test func tokenIDsAreCheckedAgainstTheVocabulary() throws {
        let harness = try CoreHarness(policy: .vllm, vocabularySize: 1000)
        #expect(throws: EngineError.invalidToken(1000, vocabularySize: 1000)) {
            try harness.core.submit(RequestSpec(promptTokens: [1, 1000, 2], maxOutputTokenCount: 4), now: .zero)
        }
        #expect(throws: EngineError.invalidToken(-1, vocabularySize: 1000)) {
            try harness.core.submit(RequestSpec(promptTokens: [-1], maxOutputTokenCount: 4), now: .zero)
        }
        let id = try harness.core.submit(RequestSpec(promptTokens: [1, 2, 3], maxOutputTokenCount: 10), now: .zero)
        try harness.step()
        try harness.core.intercept(id, call: CallDescriptor(name: "t"), now: harness.now)
        #expect(throws: EngineError.invalidToken(5000, vocabularySize: 1000)) {
            try harness.core.callReturned(id, returnedTokens: [4, 5000], now: harness.now)
        }
        #expect(harness.core.state(of: id) == .paused(.discard))  // refused: nothing changed
        #expect(harness.core.contextLength(of: id) == 4)
        try harness.core.callReturned(id, returnedTokens: [4, 5], now: harness.now)
        try harness.runToCompletion()
        #expect(harness.core.liveRequestCount == 0)
    }

    /// `min_tokens`: stop tokens are suppressed (and ignored) until the minimum is generated.
    @Test func minimumOutputSuppressesStopTokens() throws {
        let harness = try CoreHarness(policy: .vllm)
        harness.sampledToken = 9  // the stop token, every step
        let id = try harness.core.submit(Self.spec(stop: [9], minOutput: 3), now: .zero)
        try harness.runToCompletion()
        #expect(harness.outcomes[id]?.generatedTokenCount == 4)
        #expect(harness.outcomes[id]?.finishReason == .stop)
        let flags = harness.plans.flatMap(\.sequences).filter(\.samplesNextToken).map(\.suppressesStopTokens)
        #expect(flags == [true, true, true, false])
    }

    /// Lower `priority` is served first, in every policy.
    @Test("priority orders admission", arguments: PolicyKind.allCases)
    func priorityOrdersAdmission(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, maxRunning: 1)
        let early = try harness.core.submit(Self.spec(maxOutput: 3, seed: 1), now: .zero)
        harness.now = .milliseconds(1)
        let urgent = try harness.core.submit(Self.spec(maxOutput: 3, seed: 2, priority: -5), now: harness.now)
        try harness.runToCompletion()
        let order = harness.plans.compactMap { $0.sequences.first?.requestID }
        #expect(order.first == urgent)
        #expect(order.last == early)
    }

    /// AugServe's triage uses a request's own TTFT objective: a request already past its own
    /// objective is late and ranks after an on-time one, although it would rank first otherwise.
    @Test func perRequestObjectivesFeedTriage() throws {
        let harness = try CoreHarness(policy: .augserve, deviceBlocks: 64, blockSize: 4, maxRunning: 1)
        var strict = Self.spec(prompt: 8, maxOutput: 3, seed: 1)
        strict.objectives = RequestObjectives(timeToFirstToken: .milliseconds(1))
        let relaxed = Self.spec(prompt: 8, maxOutput: 3, seed: 2)
        let late = try harness.core.submit(strict, now: .zero)
        let onTime = try harness.core.submit(relaxed, now: .zero)
        harness.now = .milliseconds(500)
        try harness.runToCompletion()
        let order = harness.plans.compactMap { $0.sequences.first?.requestID }
        #expect(order.first == onTime)
        #expect(order.last == late)
    }

    @Test func cachedPromptTokensAreReported() throws {
        let harness = try CoreHarness(policy: .vllmAPC, deviceBlocks: 64, blockSize: 4)
        let first = try harness.core.submit(Self.spec(prompt: 18, maxOutput: 2), now: .zero)
        try harness.runToCompletion()
        let second = try harness.core.submit(Self.spec(prompt: 18, maxOutput: 2), now: harness.now)
        try harness.runToCompletion()
        #expect(harness.outcomes[first]?.cachedPromptTokenCount == 0)
        #expect(harness.outcomes[second]?.cachedPromptTokenCount == 16)  // four full blocks of 4
    }

    @Test func costModelReplacement() throws {
        var parameters = AugServeParameters()
        parameters.normalizedLatencyObjective = .milliseconds(100)
        parameters.eta = 1
        let harness = try CoreHarness(policy: .augserve, deviceBlocks: 2000, blockSize: 16, maxContext: 2048, augserve: parameters)
        _ = try harness.core.submit(Self.spec(prompt: 4000 / 4), now: .zero)
        try harness.step()
        let before = harness.core.snapshot.tokenBudget
        var slower = CoreHarness.defaultCost
        slower.perToken = .microseconds(100)
        try harness.core.updateCostModel(slower)
        try harness.step()
        #expect(harness.core.costModel == slower)
        // Bmax = (50 ms − 10 ms − k·ctx) / a halves when a doubles.
        #expect(harness.core.snapshot.tokenBudget < before)
        var broken = slower
        broken.perToken = .zero
        #expect(throws: ConfigurationError.self) { try harness.core.updateCostModel(broken) }
        #expect(harness.core.costModel == slower)
    }
}
