import ServingCore

/// Client-side tool round trips held as sessions: a response ends in tool calls, its request stays
/// paused in the engine (the policy holds its context by its predicted round-trip time), and the
/// follow-up whose prompt extends that context token for token resumes it — nothing to prefill but
/// the new tokens when the context was preserved.
extension EngineLoop {
    /// Ends the response of `id` and keeps the request as a session.
    func suspend(_ id: RequestID, call: CallDescriptor, text: String) {
        guard let request = live.removeValue(forKey: id), let mode = try? core.suspend(id, call: call, now: now) else { return }
        byTicket[request.ticket] = nil
        observer.contextModeChosen(mode)
        sessions[id] = SessionEntry(key: request.sessionKey, expiresAt: now + configuration.sessionTimeToLive)
        if request.firstTokenAt == nil { releaseAdmission(tokens: request.promptTokenCount) }
        let summary = turnSummary(request, progress: core.progress(of: id), reason: .stop)
        request.continuation.yield(.suspended(summary, text: text))
        request.continuation.finish()
        observer.requestFinished(summary)
    }

    /// Resumes the session the submission continues, if there is one; false: submit it afresh.
    func continueSession(_ hint: SessionHint, _ submission: Submission, arrival: Duration) -> Bool {
        guard let id = matchingSession(hint, prompt: submission.spec.promptTokens), let before = core.progress(of: id),
            let held = core.tokens(of: id)
        else { return false }
        sessions[id] = nil
        let spec = submission.spec
        var request = LiveRequest(submission: submission, id: id, processor: submission.processor.makeProcessor(), submittedAt: arrival)
        request.baseline = TurnBaseline(
            generatedTokenCount: before.generatedTokenCount, returnedTokenCount: before.returnedTokenCount,
            recomputedTokenCount: before.recomputedTokenCount, callCount: before.callCount, preemptionCount: before.preemptionCount,
            heldTokenCount: before.maxComputedTokenCount)
        live[id] = request
        byTicket[submission.ticket] = id
        do {
            let outcome = try core.continueSession(
                id, appending: Array(spec.promptTokens[held.count...]), sampling: spec.sampling,
                maxOutputTokenCount: spec.maxOutputTokenCount, minOutputTokenCount: spec.minOutputTokenCount, now: now)
            if let outcome { complete(outcome, error: nil) }
        } catch {
            if let outcome = core.abort(id, now: now) { complete(outcome, error: .rejected(error)) }
        }
        return true
    }

    /// The session whose context the prompt extends: by key when the client names one (a stale
    /// session under that key is dropped), else the longest held context that is a prefix.
    func matchingSession(_ hint: SessionHint, prompt: [TokenID]) -> RequestID? {
        func extends(_ id: RequestID) -> Int? {
            guard let held = core.tokens(of: id), held.count <= prompt.count, prompt.starts(with: held) else { return nil }
            return held.count
        }
        if let key = hint.key {
            for (id, entry) in sessions where entry.key == key {
                if extends(id) != nil { return id }
                sessions[id] = nil
                if let outcome = core.abort(id, now: now) { complete(outcome, error: nil) }
            }
            return nil
        }
        var best: (id: RequestID, length: Int)?
        for id in sessions.keys {
            if let length = extends(id), length > (best?.length ?? 0) { best = (id, length) }
        }
        return best?.id
    }

    /// Sessions whose follow-up never came are aborted and their memory returns.
    func expireSessions() {
        guard !sessions.isEmpty else { return }
        for (id, entry) in sessions where entry.expiresAt <= now {
            sessions[id] = nil
            if let outcome = core.abort(id, now: now) { complete(outcome, error: nil) }
        }
    }

    /// This turn's figures: for a continued session, counted from the turn's start; the context it
    /// found held (minus what had to be recomputed) is its cached prompt.
    func turnSummary(_ request: LiveRequest, progress: RequestProgress?, outcome: RequestOutcome? = nil, reason: FinishReason) -> RequestSummary {
        let base = request.baseline
        let generated = (outcome?.generatedTokenCount ?? progress?.generatedTokenCount ?? 0) - base.generatedTokenCount
        let returned = (outcome?.returnedTokenCount ?? progress?.returnedTokenCount ?? 0) - base.returnedTokenCount
        let recomputed = (outcome?.recomputedTokenCount ?? progress?.recomputedTokenCount ?? 0) - base.recomputedTokenCount
        let cached = base.heldTokenCount.map { max(0, $0 - recomputed) } ?? outcome?.cachedPromptTokenCount ?? 0
        var summary = RequestSummary(
            finishReason: reason, promptTokenCount: request.promptTokenCount, generatedTokenCount: generated,
            cachedPromptTokenCount: min(cached, request.promptTokenCount), returnedTokenCount: returned,
            callCount: (outcome?.callCount ?? progress?.callCount ?? 0) - base.callCount,
            preemptionCount: (outcome?.preemptionCount ?? progress?.preemptionCount ?? 0) - base.preemptionCount,
            timeToFirstToken: request.firstTokenAt.map { $0 - request.submittedAt }, endToEnd: now - request.submittedAt,
            queueing: outcome?.queueingDelay ?? .zero, callTime: outcome?.totalCallDuration ?? .zero)
        summary.swappedBlockCount = outcome?.swappedBlockCount ?? 0
        return summary
    }
}
