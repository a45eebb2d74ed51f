import ServingCore
import Testing

@Suite struct BadInputTests {
    @Test func rejectsRequestsTheEngineCannotServe() throws {
        let harness = try CoreHarness(policy: .infercept, maxContext: 64)
        #expect(throws: EngineError.emptyPrompt) {
            try harness.core.submit(RequestSpec(promptTokens: [], maxOutputTokenCount: 4), now: .zero)
        }
        let long = RequestSpec(promptTokens: CoreHarness.prompt(64), maxOutputTokenCount: 4)
        do {
            try harness.core.submit(long, now: .zero)
            Issue.record("an oversize prompt was accepted")
        } catch {
            #expect(error.description.contains("maximum context length is 64"))
        }
        #expect(throws: EngineError.invalidMaxOutput(0)) {
            try harness.core.submit(RequestSpec(promptTokens: [1], maxOutputTokenCount: 0), now: .zero)
        }
        let negative = RequestSpec(promptTokens: [1], maxOutputTokenCount: 4, segments: [.init(decodeTokenCount: -1)])
        #expect(throws: EngineError.self) { try harness.core.submit(negative, now: .zero) }
        #expect(harness.core.liveRequestCount == 0 && harness.core.blockPool.usedCount == 0)
    }

    @Test func callReturnedForAnUnknownOrRunningRequestThrows() throws {
        let harness = try CoreHarness(policy: .infercept)
        #expect(throws: EngineError.unknownRequest(RequestID(99))) {
            try harness.core.callReturned(RequestID(99), returnedTokens: [1], now: .zero)
        }
        let id = try harness.submit(prompt: 8, segments: [.init(decodeTokenCount: 10)])
        try harness.step()
        #expect(throws: EngineError.self) { try harness.core.callReturned(id, returnedTokens: [1], now: harness.now) }
        #expect(harness.core.state(of: id) == .running)
    }

    /// An executor that reports the wrong tokens changes nothing; the right output still applies.
    @Test func mismatchedExecutorOutputIsRejected() throws {
        let harness = try CoreHarness(policy: .vllm)
        let id = try harness.submit(prompt: 8, segments: [.init(decodeTokenCount: 3)])
        let plan = harness.core.schedule(now: .zero)
        #expect(throws: EngineError.self) {
            try harness.core.apply(StepOutput(sampledTokens: [], duration: .milliseconds(1)), now: .milliseconds(1))
        }
        #expect(throws: EngineError.self) {
            try harness.core.apply(
                StepOutput(sampledTokens: [SampledToken(requestID: RequestID(42), token: 1)], duration: .milliseconds(1)),
                now: .milliseconds(1))
        }
        let events = try harness.core.apply(
            StepOutput(sampledTokens: plan.sequences.map { SampledToken(requestID: $0.requestID, token: 3) }, duration: .milliseconds(1)),
            now: .milliseconds(1))
        #expect(events == [.firstToken(id)])
    }

    @Test func invalidConfigurationNamesTheField() {
        let cost = CoreHarness.defaultCost
        func configuration(blockSize: Int = 16, blocks: Int = 64, budget: Int = 64) -> EngineConfiguration {
            EngineConfiguration(
                policy: PolicyConfiguration(kind: .vllm),
                cache: CacheConfiguration(blockSize: blockSize, deviceBlockCount: blocks),
                limits: SchedulerLimits(maxBatchedTokenCount: budget, maxContextLength: 256), cost: cost)
        }
        #expect(throws: ConfigurationError.self) { try EngineCore(configuration: configuration(blockSize: 0)) }
        #expect(throws: ConfigurationError.self) { try EngineCore(configuration: configuration(budget: -1)) }
        do {
            _ = try EngineCore(configuration: configuration(blocks: 4))
            Issue.record("a pool smaller than one context was accepted")
        } catch {
            #expect(error.field == "cache.deviceBlockCount" && error.value == "4")
        }
    }

    /// Stop tokens end generation unless the request ignores EOS.
    @Test func stopTokenFinishesUnlessIgnored() throws {
        let harness = try CoreHarness(policy: .vllm)
        let stopping = try harness.core.submit(
            RequestSpec(promptTokens: [1, 2, 3], sampling: SamplingParameters(stopTokenIDs: [5]), maxOutputTokenCount: 10), now: .zero)
        let ignoring = try harness.core.submit(
            RequestSpec(promptTokens: [1, 2, 3], sampling: SamplingParameters(stopTokenIDs: [5], ignoreEOS: true), maxOutputTokenCount: 10),
            now: .zero)
        try harness.runToCompletion()
        #expect(harness.outcomes[stopping]?.finishReason == .stop)
        #expect(harness.outcomes[stopping]?.generatedTokenCount == 1)
        #expect(harness.outcomes[ignoring]?.finishReason == .length)
        #expect(harness.outcomes[ignoring]?.generatedTokenCount == 10)
    }
}
