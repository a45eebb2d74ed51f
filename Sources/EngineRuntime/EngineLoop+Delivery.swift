import ServingCore

/// Phase: deliver a step's events — tokens through each request's processor, pauses, finishes.
extension EngineLoop {
    func deliver(_ events: [EngineEvent]) {
        for event in events {
            switch event {
            case .firstToken:
                break  // per turn, at its first delivered token (a continued session has no core event)
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
        if request.firstTokenAt == nil {
            request.firstTokenAt = now
            releaseAdmission(tokens: request.promptTokenCount)
        }
        let step = request.processor.process(token)
        if let last = request.lastTokenAt { observer.tokenDelivered(interval: now - last) }
        request.lastTokenAt = now
        live[id] = request
        for note in step.annotations { guard yield(.annotation(note), to: request) else { return } }
        guard yield(.token(token, text: step.text), to: request) else { return }
        switch step.action {
        case .proceed:
            break
        case .finish(let reason):
            request.finishReason = reason
            live[id] = request
            if let outcome = core.finish(id, reason: reason, now: now) { complete(outcome, error: nil) }
        case .suspend(let call):
            suspend(id, call: call, text: request.processor.finish(reason: .stop))
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
        let summary = turnSummary(request, progress: nil, outcome: outcome, reason: reason)
        if let error {
            request.continuation.yield(.failed(error))
        } else {
            request.continuation.yield(.finished(summary, text: request.processor.finish(reason: reason)))
        }
        request.continuation.finish()
        observer.requestFinished(summary)
    }
}
