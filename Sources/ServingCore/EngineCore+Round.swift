/// One scheduling round as a sequence of named phases (DESIGN.md §4).
extension EngineCore {
    /// Decides what the executor computes next. Call `apply` with the executor's output before
    /// the next `schedule`.
    public func schedule(now: Duration) -> BatchPlan {
        var round = beginRound(now: now)
        policy.decideContextModes(core: self, round: &round, now: now)
        continueRunning(&round, now: now)
        policy.beforeSwapIn(core: self, round: &round, now: now)
        swapInReady(&round, now: now)
        admitWaiting(&round, now: now)
        return finishRound(round)
    }

    private func beginRound(now: Duration) -> RoundState {
        roundNumber += 1
        let budget = policy.tokenBudget(core: self, now: now)
        lastTokenBudget = budget
        let swap = policy.swapBudget(core: self)
        lastSwapBudget = swap
        return RoundState(number: roundNumber, tokenBudget: budget, swapInBudget: swap.swapIn, swapOutBudget: swap.swapOut)
    }

    private func finishRound(_ round: RoundState) -> BatchPlan {
        inFlight = round.decodeFlights + round.prefillFlights  // the plan's sequence order
        inFlightTransfers = round.transferred
        let plan = BatchPlan(
            sequences: round.decodes + round.prefills, swapOut: round.swapOut, swapIn: round.swapIn,
            releasedRequests: releasedSinceLastPlan)
        releasedSinceLastPlan.removeAll(keepingCapacity: true)
        return plan
    }

    /// Phase: running requests continue — every decode first (one token each), then prefill and
    /// recompute chunks within what is left of the budget.
    func continueRunning(_ round: inout RoundState, now: Duration) {
        for decodesOnly in [true, false] {
            var index = 0
            while index < running.count, round.tokenBudget > 0 {
                let request = running[index]
                if request.isDecoding == decodesOnly, request.lastScheduledRound != round.number {
                    scheduleRunning(request, round: &round, now: now)
                }
                // A preemption may have removed this request or later ones; advance past it only if still here.
                if index < running.count, running[index] === request { index += 1 }
            }
        }
    }

    private func scheduleRunning(_ request: Request, round: inout RoundState, now: Duration) {
        prepareToSample(request)
        let chunk = min(request.pendingTokenCount, round.tokenBudget)
        let target = request.computedCount + chunk
        let needed = additionalBlocks(for: request, coveringTokens: target)
        if pool.freeCount < needed, !makeRoom(blockCount: needed, for: request, round: &round, now: now) {
            let fitting = (request.blocks.count + pool.freeCount) * blockSize - request.computedCount
            if fitting <= 0 || request.isDecoding {
                preemptRunning(request, shortfall: request.blocks.count, round: &round, now: now)
                return
            }
            addChunk(request, tokenCount: min(chunk, fitting), round: &round)
            return
        }
        addChunk(request, tokenCount: chunk, round: &round)
    }

    /// Phase: swapped requests come back (host → device) in priority order within the swap-in
    /// budget and free memory; a request runs again once fully back.
    func swapInReady(_ round: inout RoundState, now: Duration) {
        var index = 0
        while index < swappedQueue.count, round.swapInBudget >= blockSize {
            let request = swappedQueue[index]
            if swapIn(request, round: &round) {
                swappedQueue.remove(at: index)
                startRunning(request, now: now)
            } else {
                index += 1
                if pool.freeCount == 0 { break }
            }
        }
    }

    /// Candidates that may be passed over in one round before admission stops.
    static let maxAdmissionMisses = 16

    /// Phase: admit waiting requests in the policy's order while budget, running slots and
    /// memory allow. New requests are never given memory by preempting running ones.
    func admitWaiting(_ round: inout RoundState, now: Duration) {
        let headroom = policy.admissionHeadroomBlocks(core: self)
        guard pool.freeCount > headroom else { return }  // nothing could be admitted: skip ranking
        waiting.beginRound(now: now)
        var passedOver: [Request] = []
        while round.tokenBudget > 0, running.count < limits.maxRunningRequestCount,
            let candidate = policy.nextAdmission(core: self, round: round, now: now)
        {
            if admit(candidate, headroom: headroom, round: &round, now: now) { continue }
            passedOver.append(candidate.request)
            // Skipping past a request that does not fit is bounded, so a deep queue of requests
            // too big for the free memory costs a few pops, not one per waiting request.
            if !policy.continuesAfterMiss(candidate.request, now: now) || passedOver.count >= Self.maxAdmissionMisses { break }
        }
        waiting.reinsert(passedOver)
    }

    private func admit(_ candidate: AdmissionCandidate, headroom: Int, round: inout RoundState, now: Duration) -> Bool {
        let request = candidate.request
        attachCachedPrefix(request)
        let chunk = min(request.pendingTokenCount, round.tokenBudget, candidate.maxTokens ?? .max)
        let needed = chunk > 0 ? additionalBlocks(for: request, coveringTokens: request.computedCount + chunk) + headroom : 0
        guard chunk > 0, needed <= pool.freeCount || reclaimSessions(until: needed, now: now) else {
            discardContext(request)  // undoes the prefix attachment
            return false
        }
        startRunning(request, now: now)
        if request.cachedPromptTokenCount == nil {
            request.cachedPromptTokenCount = min(request.computedCount, request.promptCount)
        }
        addChunk(request, tokenCount: chunk, round: &round)
        return true
    }

    /// Soft retention: paused sessions (client-side tool round trips) give up their device memory
    /// before an admission waits — the one wasting most (predicted remaining round trip × context)
    /// first. Their context is discarded; with prefix caching the blocks stay findable. Returns
    /// whether `blockCount` blocks are now free.
    func reclaimSessions(until blockCount: Int, now: Duration) -> Bool {
        while pool.freeCount < blockCount {
            var best: (request: Request, waste: Double)?
            for request in paused where request.isSession && !request.blocks.isEmpty {
                let waste = remainingCall(of: request, now: now).seconds * Double(request.computedCount)
                if best.map({ waste > $0.waste }) ?? true { best = (request, waste) }
            }
            guard let victim = best?.request else { return false }
            discardPaused(victim)
        }
        return true
    }

    /// A request that must sample but has every token computed re-runs its last token.
    func prepareToSample(_ request: Request) {
        if request.pendingTokenCount == 0 { request.computedCount = request.tokens.count - 1 }
    }

    /// Adds `tokenCount` tokens of `request` to the plan, growing its block table.
    func addChunk(_ request: Request, tokenCount: Int, round: inout RoundState) {
        let start = request.computedCount
        let end = start + tokenCount
        guard tokenCount > 0, grow(request, coveringTokens: end) else { return }
        let samples = end == request.tokens.count && wantsToken(request)
        var sequence = ScheduledSequence(
            requestID: request.id, tokens: Array(request.tokens[start..<end]), startPosition: start,
            blockTable: request.blocks, samplesNextToken: samples, sampling: request.spec.sampling)
        sequence.suppressesStopTokens = samples && request.generatedCount < request.spec.minOutputTokenCount
            && !request.spec.sampling.ignoreEOS && !request.spec.sampling.stopTokenIDs.isEmpty
        let flight = InFlightSequence(request: request, tokenCount: tokenCount, samples: samples)
        if request.isDecoding {
            round.decodes.append(sequence)
            round.decodeFlights.append(flight)
        } else {
            round.prefills.append(sequence)
            round.prefillFlights.append(flight)
        }
        round.tokenBudget -= tokenCount
        request.lastScheduledRound = round.number
    }

    /// Whether the request's next step produces a token (false when a scripted call comes first).
    func wantsToken(_ request: Request) -> Bool {
        (request.scriptedDecodesLeft ?? 1) > 0
    }
}
