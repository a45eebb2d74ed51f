/// AugServe's budget, call handling and learning hooks.
extension AugServePolicy {
    func tokenBudget(core: EngineCore, now: Duration) -> Int {
        guard parameters.usesDynamicBudget else {
            currentBudgetChanged(staticBudget)
            return staticBudget
        }
        let load = core.runningLoad()
        let value = budgetController.next(
            freeTokens: core.pool.freeCount * core.blockSize, preservedTokens: core.preservedTokenCount,
            runningDecodes: core.running.count, decodeContextTokens: load.contextTokens)
        currentBudgetChanged(value)
        return value
    }

    /// Admission leaves room for the running requests' next `decodeLookahead` tokens each, so new
    /// prefills do not immediately force preemptions (our choice; the baselines admit into any free block).
    func admissionHeadroomBlocks(core: EngineCore) -> Int {
        guard parameters.reservesDecodeHeadroom else { return 0 }
        return (core.running.count * parameters.decodeLookahead + core.blockSize - 1) / core.blockSize
    }

    func swapBudget(core: EngineCore) -> (swapIn: Int, swapOut: Int) {
        guard core.host.totalCount > 0 else { return (0, 0) }
        return swapSplit.split(chunkTokenCount: estimator.chunkTokenCount, freeTokenCount: core.pool.freeCount * core.blockSize)
    }

    func expectedDuration(of call: CallDescriptor, truth: ScriptedCall?, for request: Request, core: EngineCore) -> Duration {
        let prediction = predictor.predictCall(name: call.name, requestClass: request.spec.requestClass, truth: truth)
        Self.state(of: request)?.currentCall = prediction
        return prediction.duration
    }

    func contextModeAtInterception(_ request: Request, core: EngineCore, now: Duration) -> ContextMode {
        let duration = Self.state(of: request)?.currentCall?.duration ?? .zero
        return estimator.cheapestMode(
            context: request.computedCount, duration: duration, load: core.runningLoad(),
            swapAllowed: canSwap(request, core: core)).mode
    }

    /// Every round: re-choose the min-waste mode of each paused request with its remaining
    /// predicted call time (a call past its prediction is assumed to last half as long again —
    /// our choice for heavy-tailed tools), then swap out requests in Swap mode within the budget.
    func decideContextModes(core: EngineCore, round: inout RoundState, now: Duration) {
        guard !core.paused.isEmpty else { return }
        let load = core.runningLoad()
        for request in core.paused where request.state == .paused(.preserve) {
            let mode = estimator.cheapestMode(
                context: request.computedCount, duration: remainingCall(of: request, now: now), load: load,
                swapAllowed: canSwap(request, core: core)).mode
            switch mode {
            case .discard: core.discardPaused(request)
            case .swap: request.state = .paused(.swap)
            case .preserve: break
            }
        }
        for request in core.paused where request.state == .paused(.swap) && !request.blocks.isEmpty {
            guard round.swapOutBudget >= core.blockSize else { break }
            core.swapOutTail(of: request, maxBlocks: request.blocks.count, round: &round)
        }
    }

    func remainingCall(of request: Request, now: Duration) -> Duration {
        guard let call = request.pendingCall else { return .zero }
        let elapsed = now - call.startedAt
        let left = call.expectedDuration - elapsed
        return left > .zero ? left : elapsed / 2
    }

    private func canSwap(_ request: Request, core: EngineCore) -> Bool {
        core.host.freeCount >= request.blocks.count && core.host.totalCount > 0
    }

    /// Under memory pressure: requests already partly swapped continue, then the preserved paused
    /// request wasting the most (remaining call × context).
    func pausedVictim(core: EngineCore, now: Duration) -> Request? {
        if let partial = core.paused.first(where: { $0.state == .paused(.swap) && !$0.blocks.isEmpty }) { return partial }
        var best: (request: Request, waste: Double)?
        for request in core.paused where request.state == .paused(.preserve) && !request.blocks.isEmpty {
            let waste = remainingCall(of: request, now: now).seconds * Double(request.computedCount)
            if best == nil || waste > best?.waste ?? 0 { best = (request, waste) }
        }
        return best?.request
    }

    func callReturned(_ request: Request, name: String, duration: Duration, returnedTokenCount: Int, core: EngineCore, now: Duration) {
        if let predicted = Self.state(of: request)?.currentCall {
            recordCallAccuracy(predicted: predicted, duration: duration, returnedTokenCount: returnedTokenCount)
        }
        predictor.observeCall(name: name, requestClass: request.spec.requestClass, duration: duration, returnedTokenCount: returnedTokenCount)
        Self.state(of: request)?.currentCall = nil
    }

    func requestFinished(_ request: Request, core: EngineCore) {
        guard request.state != .finished(.aborted), let state = Self.state(of: request) else { return }
        recordFinishedAccuracy(predicted: state.prediction, generatedTokenCount: request.generatedCount)
        if state.classIndex >= 0 { recordClassAttainment(request, index: state.classIndex) }
        predictor.observeFinished(
            requestClass: request.spec.requestClass, promptTokenCount: request.promptCount,
            generatedTokenCount: request.generatedCount, callCount: request.callCount)
    }
}
