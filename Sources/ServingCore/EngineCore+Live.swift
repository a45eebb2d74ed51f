/// What a live driver (the real-time engine) needs beyond trace replay: calls the model decided,
/// stop conditions found in text, executor faults, and a cost model fitted while serving.
extension EngineCore {
    /// Pauses `id` at a call the *model* decided (a tool call parsed from its text), at `now`.
    /// The policy holds its context in the mode it picks from the call's name and the request's
    /// class (durations come from the predictor); report the result with `callReturned`.
    /// Throws if the request is unknown, already paused, or part of the step in flight.
    @discardableResult
    public func intercept(_ id: RequestID, call: CallDescriptor, now: Duration) throws(EngineError) -> ContextMode {
        guard let request = requests[id] else { throw .unknownRequest(id) }
        switch request.state {
        case .running, .waiting, .swapped: break
        case .paused, .finished: throw .cannotIntercept(id, "it is \(request.state)")
        }
        if inFlight.contains(where: { $0.request === request }) {
            throw .cannotIntercept(id, "it is part of the step being executed; apply the step first")
        }
        return intercept(request, call: call, truth: nil, now: now)
    }

    /// Ends `id` at `now` for a reason found outside the core — a stop string or a tool-call end
    /// marker in the text (`.stop`), a limit the driver enforces — so it finishes as that reason
    /// (not `.aborted`) and the predictor learns its length. Returns nil if it already left.
    @discardableResult
    public func finish(_ id: RequestID, reason: FinishReason, now: Duration) -> RequestOutcome? {
        guard let request = requests[id] else { return nil }
        return finish(request, reason: reason, now: now)  // in flight: `apply` drops its token
    }

    /// The executor failed to run the last plan: every request in it — the sequences and the
    /// requests whose blocks it was to copy — finishes with `.error`, every block returns, and the
    /// engine is ready for the next `schedule`. Returns their `.finished` events.
    public func failInFlight(now: Duration) -> [EngineEvent] {
        var victims: [Request] = []
        for request in inFlight.map(\.request) + inFlightTransfers where !victims.contains(where: { $0 === request }) {
            victims.append(request)
        }
        inFlight = []
        inFlightTransfers = []
        for slot in hostSlotsPendingRelease { host.release(slot) }
        hostSlotsPendingRelease.removeAll(keepingCapacity: true)
        var events: [EngineEvent] = []
        for request in victims where requests[request.id] === request {
            events.append(.finished(finish(request, reason: .error, now: now)))
        }
        return events
    }

    /// Replaces the iteration cost model the policies reason with (the live engine's fit of its
    /// own measured steps). Validated first; an invalid model is refused and nothing changes.
    public func updateCostModel(_ cost: IterationCostModel) throws(ConfigurationError) {
        try cost.validate()
        currentCost = cost
        policy.costModelChanged(cost)
    }

    /// The cost model in use.
    public var costModel: IterationCostModel { currentCost }
}

/// Where a live request stands (for a driver reporting usage or matching sessions).
public struct RequestProgress: Sendable, Equatable {
    public var state: RequestState
    public var promptTokenCount: Int
    public var contextTokenCount: Int
    public var generatedTokenCount: Int
    public var returnedTokenCount: Int
    /// Context tokens whose KV is held (device or host).
    public var computedTokenCount: Int
    /// The most context tokens ever computed (what a resumed session can at best reuse).
    public var maxComputedTokenCount: Int
    public var recomputedTokenCount: Int
    public var callCount: Int
    public var preemptionCount: Int
}

extension EngineCore {
    public func progress(of id: RequestID) -> RequestProgress? {
        guard let request = requests[id] else { return nil }
        return RequestProgress(
            state: request.state, promptTokenCount: request.promptCount, contextTokenCount: request.tokens.count,
            generatedTokenCount: request.generatedCount, returnedTokenCount: request.returnedCount,
            computedTokenCount: request.computedCount, maxComputedTokenCount: request.maxComputedCount,
            recomputedTokenCount: request.recomputedTokenCount,
            callCount: request.callCount, preemptionCount: request.preemptionCount)
    }

    /// The tokens of a live request's context (prompt + generated + returned).
    public func tokens(of id: RequestID) -> [TokenID]? { requests[id]?.tokens }

    /// Pauses `id` as a *session*: a client-side tool round trip held in the mode the policy picks
    /// (with the predicted round-trip time of `call`), whose memory admission may reclaim whenever
    /// it would otherwise wait — a session never blocks a new request.
    @discardableResult
    public func suspend(_ id: RequestID, call: CallDescriptor, now: Duration) throws(EngineError) -> ContextMode {
        let mode = try intercept(id, call: call, now: now)
        requests[id]?.isSession = true
        return mode
    }

    /// Resumes a session with the next turn: `appending` (the rest of the follow-up's prompt)
    /// joins the context as a call's return would, and the turn's sampling and output limit replace
    /// the old ones (`maxOutputTokenCount` counts this turn's generated tokens).
    public func continueSession(
        _ id: RequestID, appending tokens: [TokenID], sampling: SamplingParameters, maxOutputTokenCount: Int,
        minOutputTokenCount: Int = 0, now: Duration
    ) throws(EngineError) -> RequestOutcome? {
        guard let request = requests[id], request.isSession else { throw .unknownRequest(id) }
        guard maxOutputTokenCount > 0 else { throw .invalidMaxOutput(maxOutputTokenCount) }
        request.isSession = false
        request.spec.sampling = sampling
        request.spec.maxOutputTokenCount = request.generatedCount + maxOutputTokenCount
        request.spec.minOutputTokenCount = request.generatedCount + minOutputTokenCount
        return try callReturned(id, returnedTokens: tokens, now: now)
    }
}
