import ServingCore

/// Phase: deliver a step's events — tokens through each request's processor, pauses, finishes.
extension EngineLoop {
    func deliver(_ events: [EngineEvent]) {
        for event in events {
            switch event {
            case .firstToken(let id):
                guard var request = live[id] else { continue }
                request.firstTokenAt = now
                live[id] = request
                releaseAdmission(tokens: request.promptTokenCount)
            case .token(let id, let token):
                deliverToken(token, to: id)
            case .intercepted(let id, let call, let mode):
                timerSequence += 1
                timers.insert(CallTimer(at: now + call.duration, sequence: timerSequence, id: id, tokenCount: call.returnedTokenCount))
                observer.contextModeChosen(mode)
                if let request = live[id] { _ = yield(.paused(call: call.name, mode: mode), to: request) }
            case .finished(let outcome):
                complete(outcome, error: outcome.finishReason == .error ? .executorFailed(failedStepMessage) : nil)
            }
        }
    }

    /// One token: the processor turns it into text and decides what happens next, at this token.
    private func deliverToken(_ token: TokenID, to id: RequestID) {
        guard var request = live[id], request.finishReason == nil else { return }
        let (text, action) = request.processor.process(token)
        if let last = request.lastTokenAt { observer.tokenDelivered(interval: now - last) }
        request.lastTokenAt = now
        live[id] = request
        guard yield(.token(token, text: text), to: request) else { return }
        switch action {
        case .proceed:
            break
        case .finish(let reason):
            request.finishReason = reason
            live[id] = request
            if let outcome = core.finish(id, reason: reason, now: now) { complete(outcome, error: nil) }
        case .intercept(let call):
            // The core may already have finished it at this very token (a limit): its
            // `.finished` event follows and ends it.
            if let mode = try? core.intercept(id, call: call, now: now) {
                observer.contextModeChosen(mode)
                _ = yield(.paused(call: call.name, mode: mode), to: request)
            }
        }
    }

    /// Yields to the request's stream; a consumer that is gone or no longer reading aborts it.
    func yield(_ event: RequestEvent, to request: LiveRequest) -> Bool {
        switch request.continuation.yield(event) {
        case .enqueued: return true
        case .dropped, .terminated:
            if let outcome = core.abort(request.id, now: now) { complete(outcome, error: .slowConsumer) }
            return false
        @unknown default: return true
        }
    }

    /// The request left the core: report it, close its stream, forget it.
    func complete(_ outcome: RequestOutcome, error: RuntimeError?) {
        guard let request = live.removeValue(forKey: outcome.id) else { return }
        byTicket[request.ticket] = nil
        if request.firstTokenAt == nil { releaseAdmission(tokens: request.promptTokenCount) }
        let reason = request.finishReason ?? outcome.finishReason
        var summary = RequestSummary(
            finishReason: reason, promptTokenCount: outcome.promptTokenCount, generatedTokenCount: outcome.generatedTokenCount,
            cachedPromptTokenCount: outcome.cachedPromptTokenCount, returnedTokenCount: outcome.returnedTokenCount,
            callCount: outcome.callCount, preemptionCount: outcome.preemptionCount,
            timeToFirstToken: request.firstTokenAt.map { $0 - request.submittedAt }, endToEnd: now - request.submittedAt,
            queueing: outcome.queueingDelay, callTime: outcome.totalCallDuration)
        summary.swappedBlockCount = outcome.swappedBlockCount
        if let error {
            request.continuation.yield(.failed(error))
        } else {
            request.continuation.yield(.finished(summary, text: request.processor.finish(reason: reason)))
        }
        request.continuation.finish()
        observer.requestFinished(summary)
    }
}
