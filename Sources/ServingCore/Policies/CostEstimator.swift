/// Predicted space-time cost of serving (the rest of) a request, in token·seconds: KV memory held
/// multiplied by the time it is held (SPEC §5).
///
/// Proposition 1 of the paper is built in: prompt and returned tokens are prefilled many per
/// iteration (a chunk of `chunkTokenCount` costs one iteration), while every generated token costs
/// an iteration of its own. A request with a long returned text but few generated tokens can
/// therefore cost less — and finish sooner — than a shorter one that generates more.
struct CostEstimator {
    let cost: IterationCostModel
    let waste: WasteModel
    /// Tokens of one prefill chunk (InferCept's 384).
    let chunkTokenCount: Int

    init(cost: IterationCostModel, chunkTokenCount: Int, swapBudget: SwapBudget = SwapBudget()) {
        self.cost = cost
        self.chunkTokenCount = chunkTokenCount
        waste = WasteModel(cost: cost, chunkTokenCount: chunkTokenCount, swapBudget: swapBudget)
    }

    /// One iteration of a busy engine (a full chunk), the time unit of the estimates.
    var iterationSeconds: Double { cost.chunkSeconds(tokenCount: chunkTokenCount) }

    /// Prefilling `tokens` on top of `context`: one iteration per chunk, holding the context so far.
    func prefill(context: Int, tokens: Int) -> Double {
        guard tokens > 0 else { return 0 }
        var total = 0.0, done = 0
        while done < tokens {
            done = min(tokens, done + chunkTokenCount)
            total += Double(context + done)
        }
        return total * iterationSeconds
    }

    /// Generating `tokens` one per iteration from `context`: `Σ (C + i)` token·iterations.
    func decode(context: Int, tokens: Int) -> Double {
        guard tokens > 0 else { return 0 }
        let n = Double(tokens)
        return (n * Double(context) + n * (n + 1) / 2) * iterationSeconds
    }

    /// The cheapest way to hold `context` tokens through a call of `duration` (SPEC §3's
    /// min-waste), given the running requests' load. Swap is considered only if `swapAllowed`.
    func cheapestMode(context: Int, duration: Duration, load: RunningLoad, swapAllowed: Bool) -> (mode: ContextMode, waste: Double) {
        var best = (mode: ContextMode.preserve, waste: waste.preserve(remainingCall: duration, contextTokenCount: context))
        let discard = waste.discard(
            contextTokenCount: context, pendingRunningTokenCount: load.pendingTokens, runningContextTokenCount: load.contextTokens)
        if discard < best.waste { best = (.discard, discard) }
        if swapAllowed {
            let swap = waste.swap(contextTokenCount: context, runningContextTokenCount: load.contextTokens)
            if swap < best.waste { best = (.swap, swap) }
        }
        return best
    }

    /// The rest of a request: prefill what is pending, then `decodeLeft` generated tokens spread
    /// evenly over the segments between the remaining `calls`, each call costing its min-waste mode
    /// plus the prefill of what it returns.
    func futureCost(context: Int, pendingTokens: Int, decodeLeft: Int, calls: ArraySlice<CallPrediction>, load: RunningLoad) -> Double {
        var total = prefill(context: context, tokens: pendingTokens)
        var held = context + pendingTokens
        let segments = calls.count + 1
        let perSegment = max(0, decodeLeft) / segments
        var leftover = max(0, decodeLeft) - perSegment * segments
        for call in calls {
            let generated = perSegment + (leftover > 0 ? 1 : 0)
            leftover = max(0, leftover - 1)
            total += decode(context: held, tokens: generated)
            held += generated
            total += cheapestMode(context: held, duration: call.duration, load: load, swapAllowed: true).waste
            total += prefill(context: held, tokens: call.returnedTokenCount)
            held += call.returnedTokenCount
        }
        return total + decode(context: held, tokens: perSegment + leftover)
    }

    /// Seconds of service the rest of a request needs (excluding call time): prefill chunks plus
    /// one iteration per generated token plus the chunks of returned tokens.
    func serviceSeconds(pendingTokens: Int, decodeLeft: Int, returnedLeft: Int) -> Double {
        let chunks = (pendingTokens + chunkTokenCount - 1) / chunkTokenCount + (returnedLeft + chunkTokenCount - 1) / chunkTokenCount
        return Double(chunks + max(0, decodeLeft)) * iterationSeconds
    }
}

/// Tokens the running requests need this iteration and the context they hold.
struct RunningLoad: Equatable {
    var pendingTokens = 0
    var contextTokens = 0
}
