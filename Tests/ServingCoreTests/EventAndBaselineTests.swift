@testable import ServingCore
import Testing

/// The streaming path's `.token` events, the `.contextLimit` finish, vLLM's preempted-to-head
/// order and InferCept's host-full discard order.
@Suite struct EventAndBaselineTests {
    // MARK: .token events

    /// With `emitsTokenEvents` every sampled token is an event, in sampling order, after the
    /// request's `.firstToken` and before its `.finished` (a stop token included); without it, none.
    @Test(arguments: [true, false])
    func tokenEventsStreamEverySampledToken(emits: Bool) throws {
        let harness = try CoreHarness(policy: .vllm, deviceBlocks: 64, blockSize: 4, emitsTokenEvents: emits)
        let stopping = try harness.core.submit(
            RequestSpec(promptTokens: CoreHarness.prompt(10), sampling: SamplingParameters(stopTokenIDs: [13]), maxOutputTokenCount: 20),
            now: .zero)
        let bounded = try harness.core.submit(RequestSpec(promptTokens: CoreHarness.prompt(6, seed: 2), maxOutputTokenCount: 6), now: .zero)
        var step = 0
        while harness.core.liveRequestCount > 0 && step < 50 {
            harness.sampledToken = TokenID(10 + step)  // a different token every step
            try harness.step()
            step += 1
        }
        var expected: [(RequestID, TokenID)] = []
        for (index, plan) in harness.plans.enumerated() {
            for sequence in plan.sequences where sequence.samplesNextToken {
                expected.append((sequence.requestID, TokenID(10 + index)))
            }
        }
        let streamed = harness.events.compactMap { event -> (RequestID, TokenID)? in
            if case .token(let id, let token) = event { (id, token) } else { nil }
        }
        #expect(harness.outcomes[stopping]?.finishReason == .stop && harness.outcomes[stopping]?.generatedTokenCount == 4)
        #expect(harness.outcomes[bounded]?.finishReason == .length && harness.outcomes[bounded]?.generatedTokenCount == 6)
        guard emits else {
            #expect(streamed.isEmpty)
            return
        }
        #expect(streamed.map(\.0) == expected.map(\.0) && streamed.map(\.1) == expected.map(\.1))
        #expect(streamed.filter { $0.0 == stopping }.map(\.1) == [10, 11, 12, 13], "the stop token is streamed too")
        for id in [stopping, bounded] {
            let tokenIndices = harness.events.indices.filter { if case .token(id, _) = harness.events[$0] { true } else { false } }
            let first = harness.events.firstIndex(of: .firstToken(id))
            let finished = harness.events.firstIndex { if case .finished(let outcome) = $0 { outcome.id == id } else { false } }
            let firstIndex = try #require(first), finishedIndex = try #require(finished)
            #expect(tokenIndices.count == harness.outcomes[id]?.generatedTokenCount)
            #expect(firstIndex < (tokenIndices.first ?? -1) && (tokenIndices.last ?? .max) < finishedIndex)
        }
    }

    // MARK: The context limit

    /// Generation stops when the context reaches the model's limit (before `max_tokens`): the
    /// request finishes `.contextLimit` with exactly the tokens that fit. At `max_tokens` first,
    /// it is `.length`.
    @Test(arguments: PolicyKind.allCases)
    func generationStopsAtTheContextLimit(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 64, blockSize: 4, maxContext: 64)
        let long = try harness.core.submit(RequestSpec(promptTokens: CoreHarness.prompt(50), maxOutputTokenCount: 100), now: .zero)
        let exact = try harness.core.submit(RequestSpec(promptTokens: CoreHarness.prompt(50, seed: 2), maxOutputTokenCount: 13), now: .zero)
        try harness.runToCompletion()
        #expect(harness.outcomes[long]?.finishReason == .contextLimit)
        #expect(harness.outcomes[long]?.generatedTokenCount == 14, "50 + 14 = 64 tokens")
        #expect(harness.outcomes[exact]?.finishReason == .length && harness.outcomes[exact]?.generatedTokenCount == 13)
        #expect(harness.core.blockPool.usedCount == 0)
    }

    /// A call's returned tokens are cut at the context limit, and the request finishes there.
    @Test(arguments: PolicyKind.allCases)
    func returnedTokensStopAtTheContextLimit(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 64, blockSize: 4, maxContext: 64)
        let id = try harness.submit(
            prompt: 50, segments: [.init(decodeTokenCount: 2, call: CoreHarness.call(0.05, returns: 20)), .init(decodeTokenCount: 5)],
            maxOutput: 1000)
        try harness.runToCompletion()
        let outcome = try #require(harness.outcomes[id])
        #expect(outcome.finishReason == .contextLimit)
        #expect(outcome.returnedTokenCount == 12, "52 tokens at the call: 12 of the 20 returned fit in 64")
        #expect(outcome.generatedTokenCount == 2)
    }

    // MARK: vLLM: preempted requests go to the head of the queue

    /// Successive preemptions get ever smaller keys, below every arrival or return time (a
    /// deque's push-front: the last preempted is first); a returned call goes to the tail (now).
    @Test func vllmKeysPutPreemptedRequestsAtTheHead() throws {
        let harness = try CoreHarness(policy: .vllm)
        let policy = VLLMPolicy(configuration: harness.core.configuration)
        let request = Request(id: RequestID(1), spec: RequestSpec(promptTokens: [1], maxOutputTokenCount: 1), arrival: .seconds(3))
        #expect(policy.queueKey(for: request, entry: .arrival, now: .seconds(5)) == 3)
        #expect(policy.queueKey(for: request, entry: .callReturned, now: .seconds(5)) == 5)
        let keys = (0..<3).map { _ in policy.queueKey(for: request, entry: .preempted, now: .seconds(5)) }
        #expect(keys == [-1, -2, -3])
    }

    /// A and P decode side by side; W arrives when it no longer fits and waits. When A needs a
    /// block, P (the latest arrival) is preempted by recompute and goes to the head of the queue:
    /// it is admitted again before W, although W was waiting first — W even fits in the memory P
    /// freed, but FCFS admission does not pass the head. (At the tail, W would have gone first.)
    @Test func vllmPreemptedRequestGoesBeforeEarlierWaitingOnes() throws {
        let harness = try CoreHarness(policy: .vllm, deviceBlocks: 40, blockSize: 4, budget: 4096, maxContext: 128)
        let a = try harness.submit(prompt: 40, segments: [.init(decodeTokenCount: 60)], seed: 1)
        harness.now = .milliseconds(1)
        let p = try harness.submit(prompt: 40, segments: [.init(decodeTokenCount: 60)], seed: 2)
        while (harness.core.requests[p]?.tokens.count ?? 0) < 62 { try harness.step() }
        let w = try harness.submit(prompt: 48, segments: [.init(decodeTokenCount: 4)], seed: 3)
        try harness.step()
        #expect(harness.core.state(of: w) == .waiting, "W does not fit yet")
        var preemptedAt: Int?
        while harness.core.liveRequestCount > 0, harness.plans.count < 2000 {
            try harness.step()
            if preemptedAt == nil, harness.core.state(of: p) == .waiting { preemptedAt = harness.plans.count - 1 }
        }
        let preemption = try #require(preemptedAt, "P was never preempted")
        func firstScheduling(_ id: RequestID, after start: Int) -> (plan: Int, position: Int)? {
            for index in start..<harness.plans.count {
                if let position = harness.plans[index].sequences.firstIndex(where: { $0.requestID == id }) { return (index, position) }
            }
            return nil
        }
        let pBack = try #require(firstScheduling(p, after: preemption + 1))
        let wFirst = try #require(firstScheduling(w, after: 0))
        #expect(wFirst.plan > preemption, "W was still waiting when P was preempted")
        #expect(pBack.plan < wFirst.plan || (pBack.plan == wFirst.plan && pBack.position < wFirst.position))
        #expect(harness.outcomes[p]?.preemptionCount == 1 && harness.outcomes[a]?.preemptionCount == 0)
        #expect(harness.outcomes[p]?.recomputedTokenCount ?? 0 > 0)
    }

    // MARK: InferCept: with the host full, discard the longest remaining call

    /// Two long decodes create memory pressure. P1 pauses first and is swapped out block by block
    /// until it is all on the host (10 of its 14 slots); P2 pauses meanwhile, becomes the swap
    /// target once P1 is out, and fills the rest of the host. With the host full, InferCept discards the swapped paused request whose call has
    /// the longest remaining time — whichever paused first.
    @Test(arguments: [(5.0, 10.0), (20.0, 2.0)])
    func inferceptDiscardsTheLongestRemainingCallWhenTheHostIsFull(firstCall: Double, secondCall: Double) throws {
        let harness = try CoreHarness(policy: .infercept, deviceBlocks: 48, hostBlocks: 14, blockSize: 4, maxContext: 192)
        let p1 = try harness.submit(
            prompt: 40, segments: [.init(decodeTokenCount: 1, call: CoreHarness.call(firstCall, returns: 4)), .init(decodeTokenCount: 1)], seed: 1)
        let p2 = try harness.submit(
            prompt: 40, segments: [.init(decodeTokenCount: 16, call: CoreHarness.call(secondCall, returns: 4)), .init(decodeTokenCount: 1)],
            seed: 2)
        try harness.submit(prompt: 40, segments: [.init(decodeTokenCount: 120)], seed: 3)
        try harness.submit(prompt: 40, segments: [.init(decodeTokenCount: 120)], seed: 4)
        var discarded: RequestID?
        var bothSwappedBefore = false
        while discarded == nil, harness.plans.count < 400 {
            let before = [harness.core.state(of: p1), harness.core.state(of: p2)]
            try harness.step()
            for id in [p1, p2] where harness.core.state(of: id) == .paused(.discard) {
                discarded = id
                bothSwappedBefore = before.allSatisfy { $0 == .paused(.swap) }
            }
        }
        let victim = try #require(discarded, "nothing was discarded")
        #expect(bothSwappedBefore, "both were swapped out when the host filled")
        #expect(victim == (firstCall > secondCall ? p1 : p2), "the longest remaining call is discarded")
        let survivor = victim == p1 ? p2 : p1
        #expect(harness.core.state(of: survivor) == .paused(.swap))
        #expect(harness.core.hostSwapSpace.freeCount > 0, "the discard returned host slots")
    }
}
