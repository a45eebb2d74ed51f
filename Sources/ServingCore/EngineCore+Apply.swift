/// Folding the executor's output back into the requests: progress, sampled tokens, calls,
/// finishing.
extension EngineCore {
    /// Applies the output of the last plan at time `now` (the end of the step). Throws, changing
    /// nothing, if the output does not match the plan.
    public func apply(_ output: StepOutput, now: Duration) throws(EngineError) -> [EngineEvent] {
        let flights = inFlight
        let tokens = try sampledTokens(output, for: flights)
        inFlight = []
        inFlightTransfers = []
        for slot in hostSlotsPendingRelease { host.release(slot) }  // the executor has copied them in
        hostSlotsPendingRelease.removeAll(keepingCapacity: true)
        var events: [EngineEvent] = []
        for (flight, token) in zip(flights, tokens) {
            let request = flight.request
            guard request.state == .running else { continue }  // aborted while the step ran
            recordComputed(request, tokenCount: flight.tokenCount)
            if let token { appendGenerated(request, token: token, now: now, events: &events) }
            if request.state == .running {
                settle(request, sampled: token != nil, now: now, events: &events)
            }
        }
        policy.stepCompleted(core: self, duration: output.duration, now: now)
        return events
    }

    /// Pairs each in-flight sequence with its sampled token (nil if it did not sample).
    private func sampledTokens(_ output: StepOutput, for flights: [InFlightSequence]) throws(EngineError) -> [TokenID?] {
        var result: [TokenID?] = []
        result.reserveCapacity(flights.count)
        var next = 0
        for flight in flights {
            guard flight.samples else {
                result.append(nil)
                continue
            }
            guard next < output.sampledTokens.count, output.sampledTokens[next].requestID == flight.request.id else {
                throw .outputMismatch("expected a token for \(flight.request.id) at position \(next)")
            }
            result.append(output.sampledTokens[next].token)
            next += 1
        }
        guard next == output.sampledTokens.count else {
            throw .outputMismatch("\(output.sampledTokens.count - next) unexpected sampled tokens")
        }
        return result
    }

    private func recordComputed(_ request: Request, tokenCount: Int) {
        let before = request.computedCount
        request.computedCount += tokenCount
        request.recomputedTokenCount += max(0, min(request.computedCount, request.maxComputedCount) - before)
        request.maxComputedCount = max(request.maxComputedCount, request.computedCount)
        registerFullBlocks(of: request)
    }

    private func appendGenerated(_ request: Request, token: TokenID, now: Duration, events: inout [EngineEvent]) {
        request.tokens.append(token)
        request.generatedCount += 1
        request.decodedInSegment += 1
        if request.firstTokenAt == nil {
            request.firstTokenAt = now
            events.append(.firstToken(request.id))
        }
        if configuration.emitsTokenEvents { events.append(.token(request.id, token)) }
        let sampling = request.spec.sampling
        if !sampling.ignoreEOS, request.generatedCount > request.spec.minOutputTokenCount, sampling.stopTokenIDs.contains(token) {
            events.append(.finished(finish(request, reason: .stop, now: now)))
        }
    }

    /// After progress: finish on a limit, pause at a scripted call, or keep running.
    private func settle(_ request: Request, sampled: Bool, now: Duration, events: inout [EngineEvent]) {
        if let reason = limitReached(request) {
            events.append(.finished(finish(request, reason: reason, now: now)))
            return
        }
        guard request.scriptedDecodesLeft == 0, sampled || request.pendingTokenCount == 0 else { return }
        if let call = request.scriptedCall {
            let mode = intercept(request, call: call.descriptor, truth: call, now: now)
            events.append(.intercepted(request.id, call, mode))
        } else {
            events.append(.finished(finish(request, reason: .length, now: now)))
        }
    }

    func limitReached(_ request: Request) -> FinishReason? {
        if request.accountedOutputCount >= request.spec.maxOutputTokenCount { return .length }
        if request.tokens.count >= limits.maxContextLength { return .contextLimit }
        return nil
    }

    /// Pauses a request for `call`; the policy picks how its context is held. `truth` is the
    /// scripted call when replaying a trace (only an oracle predictor reads it), nil for a live one.
    func intercept(_ request: Request, call: CallDescriptor, truth: ScriptedCall?, now: Duration) -> ContextMode {
        detach(request)
        closeQueueingEpisode(request, now: now)
        request.callCount += 1
        request.pendingCall = PendingCall(
            name: call.name, startedAt: now,
            expectedDuration: policy.expectedDuration(of: call, truth: truth, for: request, core: self))
        var mode = request.blocks.isEmpty && request.hostSlots.isEmpty
            ? .discard : policy.contextModeAtInterception(request, core: self, now: now)
        if mode == .discard {
            discardContext(request)
        } else if !request.hostSlots.isEmpty {
            mode = .swap  // partly on the host already (a swapped request): it stays there
        }
        pause(request, mode: mode)
        return mode
    }

    /// The call that paused `id` returned `returnedTokens` at `now`. Throws if the request is not
    /// paused (unknown, finished or aborted requests are reported, not crashed on).
    @discardableResult
    public func callReturned(_ id: RequestID, returnedTokens: [TokenID], now: Duration) throws(EngineError) -> RequestOutcome? {
        guard let request = requests[id] else { throw .unknownRequest(id) }
        guard case .paused(let mode) = request.state, let call = request.pendingCall else {
            throw .notPaused(id, request.state)
        }
        if let vocabulary = configuration.vocabularySize, let bad = returnedTokens.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw .invalidToken(bad, vocabularySize: vocabulary)
        }
        let kept = appendReturned(request, tokens: returnedTokens, call: call, now: now)
        policy.callReturned(request, name: call.name, duration: now - call.startedAt, returnedTokenCount: kept, core: self, now: now)
        if let reason = limitReached(request) { return finish(request, reason: reason, now: now) }
        remove(request, from: &paused)
        resume(request, mode: mode, now: now)
        return nil
    }

    /// Appends what the call returned (cut to the context and output limits); returns the count kept.
    private func appendReturned(_ request: Request, tokens: [TokenID], call: PendingCall, now: Duration) -> Int {
        let room = max(0, limits.maxContextLength - request.tokens.count)
        let outputRoom = request.spec.outputAccounting == .generatedAndReturned
            ? max(0, request.spec.maxOutputTokenCount - request.outputCount) : room
        let kept = tokens.prefix(min(room, outputRoom))
        request.tokens.append(contentsOf: kept)
        request.returnedCount += kept.count
        request.totalCallDuration += now - call.startedAt
        request.pendingCall = nil
        request.segmentIndex += 1
        request.decodedInSegment = 0
        return kept.count
    }

    /// Where a returned request goes: with its KV all on the device it runs again at once; with
    /// some on the host it waits for swap-in; with none it waits for admission (recompute).
    private func resume(_ request: Request, mode: ContextMode, now: Duration) {
        if mode == .discard || (request.blocks.isEmpty && request.hostSlots.isEmpty) {
            discardContext(request)
            enqueueWaiting(request, entry: .callReturned, now: now)
        } else if request.hostSlots.isEmpty {
            request.state = .running
            insertSorted(request, into: &running)
        } else {
            enqueueSwapped(request, now: now)
        }
    }

    /// Removes a request from the engine, returning every block, and reports its outcome.
    func finish(_ request: Request, reason: FinishReason, now: Duration) -> RequestOutcome {
        detach(request)
        closeQueueingEpisode(request, now: now)
        if let call = request.pendingCall { request.totalCallDuration += now - call.startedAt }
        discardContext(request)
        request.state = .finished(reason)
        request.finishedAt = now
        requests[request.id] = nil
        releasedSinceLastPlan.append(request.id)
        policy.requestFinished(request, core: self)
        return outcome(of: request, reason: reason, now: now)
    }

    private func outcome(of request: Request, reason: FinishReason, now: Duration) -> RequestOutcome {
        RequestOutcome(
            id: request.id, requestClass: request.spec.requestClass, finishReason: reason, arrival: request.arrival,
            firstTokenAt: request.firstTokenAt, finishedAt: now, promptTokenCount: request.promptCount,
            generatedTokenCount: request.generatedCount, returnedTokenCount: request.returnedCount,
            cachedPromptTokenCount: request.cachedPromptTokenCount ?? 0,
            callCount: request.callCount, totalCallDuration: request.totalCallDuration,
            queueingDelay: request.queueingDelay, preemptionCount: request.preemptionCount,
            recomputedTokenCount: request.recomputedTokenCount, swappedBlockCount: request.swappedBlockCount)
    }
}
