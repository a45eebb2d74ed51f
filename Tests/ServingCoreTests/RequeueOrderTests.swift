import ServingCore
import Testing

/// Where a request goes when its call returns: vLLM re-queues it at the tail with its whole
/// context; InferCept keeps its original-arrival priority (a discarded request goes ahead of later
/// arrivals).
@Suite struct RequeueOrderTests {
    /// A and A2 pause for 0.1 s calls; B occupies the single running slot; C arrives last.
    private func runScenario(_ policy: PolicyKind) throws -> CoreHarness {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 256, blockSize: 4, budget: 4096, maxRunning: 1, maxContext: 512)
        let call = CoreHarness.call(0.1, returns: 4)
        try harness.submit(prompt: 8, segments: [ScriptedSegment(decodeTokenCount: 1, call: call), ScriptedSegment(decodeTokenCount: 2)])
        harness.now = .milliseconds(1)
        try harness.submit(prompt: 40, segments: [ScriptedSegment(decodeTokenCount: 1, call: call), ScriptedSegment(decodeTokenCount: 2)], seed: 2)
        harness.now = .milliseconds(2)
        try harness.submit(prompt: 8, segments: [ScriptedSegment(decodeTokenCount: 30)], seed: 3)
        harness.now = .milliseconds(3)
        try harness.submit(prompt: 8, segments: [ScriptedSegment(decodeTokenCount: 3)], seed: 4)
        try harness.runToCompletion()
        return harness
    }

    @Test func vllmRequeuesReturnedCallAtTheTail() throws {
        let harness = try runScenario(.vllm)
        let a = RequestID(1), c = RequestID(4)
        let aFinish = try #require(harness.outcomes[a]?.finishedAt)
        let cFinish = try #require(harness.outcomes[c]?.finishedAt)
        #expect(cFinish < aFinish, "C arrived after A but A re-entered the tail when its call returned")
        #expect(harness.interceptions().allSatisfy { $0.1 == .discard })
        // A prefilled its whole context again: prompt 8 + 1 generated + 4 returned = 13 tokens.
        let resumed = harness.plans.flatMap(\.sequences).filter { $0.requestID == a && $0.startPosition == 0 }
        #expect(resumed.map(\.tokenCount) == [8, 13])
    }

    @Test func inferceptKeepsOriginalArrivalPriority() throws {
        let harness = try runScenario(.infercept)
        let a = RequestID(1), c = RequestID(4)
        let aFinish = try #require(harness.outcomes[a]?.finishedAt)
        let cFinish = try #require(harness.outcomes[c]?.finishedAt)
        #expect(aFinish < cFinish, "A was discarded but keeps its original arrival, ahead of C")
        #expect(harness.outcomes[a]?.recomputedTokenCount == 8, "A recomputes its 8 prompt tokens (its sampled token was never computed)")
        #expect(harness.outcomes[RequestID(2)]?.recomputedTokenCount == 0, "A2 stayed preserved (largest discard waste)")
    }
}
