import EngineRuntime
import ServingCore
import Testing

/// The real-time engine on the synthetic model: streams, stops and interceptions decided at the
/// edge, trace-replay timers, aborts, slow consumers, executor faults, the bounded queue.
@Suite(.serialized) struct EngineServiceTests {
    @Test("concurrent requests stream the tokens of standalone greedy runs", arguments: PolicyKind.allCases)
    func streamsEqualStandaloneRuns(policy: PolicyKind) async throws {
        let service = try await RuntimeHarness.service(policy: policy)
        let prompts = (1...4).map { RuntimeHarness.prompt(9 + $0 * 3, seed: $0) }
        let handles = try prompts.map { try service.submit(RuntimeHarness.spec($0, max: 12)) }
        for (prompt, handle) in zip(prompts, handles) {
            let events = await RuntimeHarness.collect(handle)
            #expect(RuntimeHarness.tokens(events) == (try RuntimeHarness.standalone(prompt, count: 12)))
            let summary = try #require(RuntimeHarness.summary(events))
            #expect(summary.finishReason == .length && summary.generatedTokenCount == 12 && summary.promptTokenCount == prompt.count)
            #expect(summary.timeToFirstToken != nil)
        }
        await RuntimeHarness.expectIdle(service)
        let snapshot = service.snapshot
        #expect(snapshot.phase == .ready && snapshot.stepCount > 0)
        #expect(snapshot.costFitObservedCount > 0)
        await service.stop()
        #expect(service.snapshot.phase == .stopped)
    }

    @Test func calibrationReplacesThePriorCostModel() async throws {
        let prior = try RuntimeHarness.core(policy: .augserve).costModel
        let service = try await RuntimeHarness.service(policy: .augserve)
        let measured = try #require(service.snapshot.cost)
        #expect(measured != prior)
        #expect(measured.perToken > .zero)
        await service.stop()
    }

    /// A processor's stop ends the request at exactly that token as `stop`, with its held-back text.
    @Test func processorStopEndsAtThatToken() async throws {
        let service = try await RuntimeHarness.service()
        let handle = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 50), processor: ScriptedProcessorFactory(stopAfter: 5))
        let events = await RuntimeHarness.collect(handle)
        #expect(RuntimeHarness.tokens(events).count == 5)
        guard case .finished(let summary, let text) = events.last else { Issue.record("no finish: \(events)"); return }
        #expect(summary.finishReason == .stop && summary.generatedTokenCount == 5 && text == "|stop")
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    /// A processor's interception pauses the request; the call's result resumes it inside the same
    /// stream, and generation continues from the extended context.
    @Test("live interception pauses and resumes", arguments: PolicyKind.allCases)
    func liveInterception(policy: PolicyKind) async throws {
        let service = try await RuntimeHarness.service(policy: policy)
        let handle = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 2), max: 10), processor: ScriptedProcessorFactory(interceptAfter: 3))
        var events: [RequestEvent] = []
        for await event in handle.events {
            events.append(event)
            if case .paused = event { service.callReturned(handle.ticket, tokens: [7, 8, 9, 10]) }
        }
        let paused = events.firstIndex { if case .paused(let call, _) = $0 { call == "lookup" } else { false } }
        let resumed = events.firstIndex { $0 == .resumed(tokenCount: 4) }
        #expect(paused != nil && resumed != nil && paused! < resumed!)
        #expect(RuntimeHarness.tokens(events).count == 10)
        let summary = try #require(RuntimeHarness.summary(events))
        #expect(summary.callCount == 1 && summary.returnedTokenCount == 4 && summary.generatedTokenCount == 10)
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    /// Trace replay: scripted calls are timers; their time shows in the latency, their tokens in the context.
    @Test func traceReplayCallsAreTimers() async throws {
        let service = try await RuntimeHarness.service(policy: .infercept)
        let call = ScriptedCall(name: "calculator", duration: .milliseconds(150), returnedTokenCount: 6)
        let segments = [ScriptedSegment(decodeTokenCount: 3, call: call), ScriptedSegment(decodeTokenCount: 3, call: call), ScriptedSegment(decodeTokenCount: 2)]
        let handle = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(12, seed: 3), max: 100, segments: segments))
        let events = await RuntimeHarness.collect(handle)
        let summary = try #require(RuntimeHarness.summary(events))
        #expect(summary.callCount == 2 && summary.returnedTokenCount == 12 && summary.generatedTokenCount == 8)
        #expect(summary.callTime >= .milliseconds(300))
        #expect(summary.endToEnd >= summary.callTime)
        #expect(events.filter { if case .paused = $0 { true } else { false } }.count == 2)
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    @Test func abortByTicketAndByCancellationReturnBlocks() async throws {
        let service = try await RuntimeHarness.service()
        let aborted = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 150))
        let cancelled = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(11, seed: 2), max: 150))
        let consumer = Task { () -> Int in
            var count = 0
            for await event in cancelled.events {
                if case .token = event { count += 1 }
            }
            return count
        }
        var seen = 0
        for await event in aborted.events {
            if case .token = event { seen += 1 }
            if seen == 3 { service.abort(aborted.ticket) }
        }
        consumer.cancel()
        let count = await consumer.value
        #expect(seen >= 3 && seen < 150)
        #expect(count < 150)
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    /// A consumer that never reads is aborted once its buffer fills; the engine keeps serving.
    @Test func slowConsumerIsAborted() async throws {
        let service = try await RuntimeHarness.service { $0.streamBufferLimit = 64 }
        let stalled = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 150))
        let other = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 2), max: 40))
        let events = await RuntimeHarness.collect(other)
        #expect(RuntimeHarness.summary(events)?.generatedTokenCount == 40)
        await RuntimeHarness.expectIdle(service)
        let buffered = await RuntimeHarness.collect(stalled)
        #expect(buffered.count == 64)
        #expect(RuntimeHarness.summary(buffered) == nil)
        await service.stop()
    }

    /// The executor throws on one step: that step's requests fail with an error event, the
    /// blocks return, and later requests are served.
    @Test func executorFaultFailsOnlyThatStep() async throws {
        let service = try await RuntimeHarness.service(configure: { $0.calibratesAtStart = false }) { FlakyExecutor($0, failOn: [3]) }
        let first = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 20))
        let events = await RuntimeHarness.collect(first)
        guard case .failed(.executorFailed(let message)) = events.last else { Issue.record("expected a failure: \(events.suffix(2))"); return }
        #expect(message.contains("injected fault"))
        let second = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 2), max: 20))
        #expect(RuntimeHarness.summary(await RuntimeHarness.collect(second))?.generatedTokenCount == 20)
        #expect(service.snapshot.failedStepCount == 1)
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    @Test func badRequestsFailOnTheirStream() async throws {
        let service = try await RuntimeHarness.service()
        let outOfVocabulary = try service.submit(RuntimeHarness.spec([1, 2, 99], max: 4))
        let events = await RuntimeHarness.collect(outOfVocabulary)
        #expect(events == [.failed(.rejected(.invalidToken(99, vocabularySize: 70)))])
        let tooLong = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(250, seed: 1), max: 4))
        guard case .failed(.rejected(.promptTooLong)) = await RuntimeHarness.collect(tooLong).first else {
            Issue.record("expected promptTooLong")
            return
        }
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    /// One running slot: while the first request runs, the second waits, and a third is refused.
    @Test func boundedQueueRefusesPastItsLimit() async throws {
        let service = try await RuntimeHarness.service(maxRunning: 1) { $0.maxQueuedRequestCount = 1 }
        let first = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 150))
        var iterator = first.events.makeAsyncIterator()
        _ = await iterator.next()  // running: no longer queued
        let second = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 2), max: 5))
        #expect(throws: RuntimeError.self) { try service.checkCapacity() }
        #expect(throws: RuntimeError.self) { try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 3), max: 5)) }
        while await iterator.next() != nil {}
        #expect(RuntimeHarness.summary(await RuntimeHarness.collect(second))?.generatedTokenCount == 5)
        try service.checkCapacity()
        await RuntimeHarness.expectIdle(service)
        await service.stop()
    }

    @Test func stopAbortsWhatIsLeftAndRefusesNewRequests() async throws {
        let service = try await RuntimeHarness.service()
        let handle = try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 1), max: 180))
        var iterator = handle.events.makeAsyncIterator()
        _ = await iterator.next()
        service.beginDrain()
        #expect(throws: RuntimeError.self) { try service.submit(RuntimeHarness.spec(RuntimeHarness.prompt(10, seed: 2), max: 5)) }
        await service.stop()
        var last: RequestEvent?
        while let event = await iterator.next() { last = event }
        #expect(last == .failed(.unavailable("the server is shutting down")))
        #expect(service.snapshot.engine?.deviceBlocksUsed == 0)
    }
}
