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
