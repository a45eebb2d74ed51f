import ServingCore
import Testing

/// Random call-heavy workloads on tight memory, every policy: the invariants hold after every
/// schedule and apply (checked by the harness), every request finishes, every block comes back.
@Suite struct InvariantTests {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func randomSegments(_ random: inout Random) -> [ScriptedSegment] {
        let callCount = random.next(4)
        var segments: [ScriptedSegment] = []
        for _ in 0..<callCount {
            let seconds = [0.0, 0.001, 0.05, 0.3, 2.0][random.next(5)]
            segments.append(.init(decodeTokenCount: random.next(12), call: CoreHarness.call(seconds, returns: random.next(20))))
        }
        segments.append(.init(decodeTokenCount: 1 + random.next(20)))
        return segments
    }

    @Test(arguments: PolicyKind.allCases, [7, 8, 9])
    func invariantsHoldUnderPressure(policy: PolicyKind, seed: Int) throws {
        let harness = try CoreHarness(
            policy: policy, deviceBlocks: 40, hostBlocks: 12, blockSize: 4, budget: 48, maxRunning: 6, maxContext: 160)
        var random = Random(state: UInt64(seed))
        var submitted = 0
        for step in 0..<4000 {
            if submitted < 40, random.next(3) == 0 {
                try harness.submit(prompt: 1 + random.next(60), segments: Self.randomSegments(&random), seed: Int32(step))
                submitted += 1
            }
            try harness.step()
            if submitted == 40 && harness.core.liveRequestCount == 0 { break }
            if harness.core.liveRequestCount > 0, harness.core.snapshot.runningCount == 0,
                harness.core.snapshot.waitingCount == 0, harness.core.snapshot.swappedCount == 0,
                let next = harness.pendingReturns.map(\.at).min(), next > harness.now
            {
                harness.now = next
            }
        }
        try harness.runToCompletion()
        #expect(harness.outcomes.count == 40)
        #expect(harness.core.blockPool.usedCount == 0)
        #expect(harness.core.hostSwapSpace.usedCount == 0)
        #expect(harness.outcomes.values.allSatisfy { $0.finishReason != .aborted })
        let total = harness.outcomes.values.reduce(0) { $0 + $1.generatedTokenCount }
        #expect(total > 0)
    }
}

@Suite struct AbortTests {
    /// Aborting in every state returns all blocks and host slots and reports `.aborted`.
    @Test(arguments: PolicyKind.allCases)
    func abortFreesEverything(policy: PolicyKind) throws {
        let harness = try CoreHarness(policy: policy, deviceBlocks: 40, hostBlocks: 16, blockSize: 4, budget: 64, maxContext: 160)
        harness.autoReturnCalls = false
        var ids: [RequestID] = []
        for index in 0..<8 {
            ids.append(try harness.submit(
                prompt: 30 + index, segments: [.init(decodeTokenCount: 2, call: CoreHarness.call(5, returns: 3)), .init(decodeTokenCount: 40)],
                seed: Int32(index)))
        }
        // Abort the first request found in each state not yet covered, stepping in between.
        var statesSeen = Set<String>()
        var live = ids
        for _ in 0..<40 where !live.isEmpty {
            try harness.step()
            for id in live {
                guard let state = harness.core.state(of: id), !statesSeen.contains("\(state)") else { continue }
                statesSeen.insert("\(state)")
                #expect(harness.core.abort(id, now: harness.now)?.finishReason == .aborted)
                #expect(harness.core.checkInvariants().isEmpty)
                live.removeAll { $0 == id }
            }
        }
        for id in live { harness.core.abort(id, now: harness.now) }
        #expect(statesSeen.isSuperset(of: ["waiting", "running"]), "\(statesSeen)")
        #expect(statesSeen.contains { $0.hasPrefix("paused") }, "\(statesSeen)")
        #expect(harness.core.abort(ids[0], now: harness.now) == nil, "a second abort is a no-op")
        try harness.step()
        #expect(harness.core.blockPool.usedCount == 0 && harness.core.hostSwapSpace.usedCount == 0)
    }

    /// A request aborted while its step runs (a client disconnect) is skipped by `apply`.
    @Test func abortBetweenScheduleAndApply() throws {
        let harness = try CoreHarness(policy: .vllm)
        let id = try harness.submit(prompt: 10, segments: [.init(decodeTokenCount: 5)])
        let plan = harness.core.schedule(now: .zero)
        harness.core.abort(id, now: .milliseconds(1))
        let events = try harness.core.apply(
            StepOutput(sampledTokens: plan.sequences.map { SampledToken(requestID: $0.requestID, token: 1) }, duration: .milliseconds(1)),
            now: .milliseconds(2))
        #expect(events.isEmpty)
        #expect(harness.core.blockPool.usedCount == 0)
        #expect(harness.core.schedule(now: .milliseconds(2)).releasedRequests == [id])
    }
}
