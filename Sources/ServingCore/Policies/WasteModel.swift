/// Memory waste of holding a paused request's context, in token·seconds (SPEC §3, Appendix A).
/// Waste is memory that does no useful work multiplied by how long it does none.
struct WasteModel {
    let cost: IterationCostModel
    /// InferCept's chunk limit `m` (384).
    let chunkTokenCount: Int
    /// The per-iteration swap budget swaps proceed within.
    var swapBudget = SwapBudget()

    /// Preserve: the context sits idle for the rest of the call. `T_call · C`.
    func preserve(remainingCall: Duration, contextTokenCount: Int) -> Double {
        max(0, remainingCall.seconds) * Double(contextTokenCount)
    }

    /// Discard with chunked recompute (InferCept): `C` tokens recomputed in chunks of
    /// `h = max(m − pending running tokens, 1)` while the running requests' `R_m` context tokens
    /// wait on each chunk. `w_d = f_s·h·n(n+1)/2 + f_h·n·R_m + a·r·(R_m + r)` with
    /// `n = ceil(C/h) − 1`, `r = C mod h`, `f_s` the iteration time at `m` tokens, `f_h = a·h`.
    func discard(contextTokenCount c: Int, pendingRunningTokenCount: Int, runningContextTokenCount rm: Int) -> Double {
        guard c > 0 else { return 0 }
        let a = cost.perToken.seconds
        let h = max(chunkTokenCount - pendingRunningTokenCount, 1)
        let n = Double((c + h - 1) / h - 1)
        let r = Double(c % h)
        let fs = cost.chunkSeconds(tokenCount: chunkTokenCount)
        let fh = a * Double(h)
        let rmD = Double(rm)
        return fs * Double(h) * n * (n + 1) / 2 + fh * n * rmD + a * r * (rmD + r)
    }

    /// Swap, on the engine's swap-cost model (`IterationCostModel.stepSeconds`: copies overlap
    /// compute). The context crosses the host link twice, its own `C` tokens idle meanwhile:
    /// `2 · T_swap(C) · C`. The running batch (`R_m`) is stalled only where an iteration's share of
    /// the transfer outlasts the compute it hides behind: the transfer spans `n = ⌈C / S⌉`
    /// iterations of `S` tokens each way (half the per-iteration swap budget) at the chunk's
    /// iteration time `f_s`, each stalling `max(0, T_swap(S) − f_s)`. With a budget sized to the
    /// link (every preset's) that stall is 0, so swapping costs the batch nothing.
    func swap(contextTokenCount c: Int, runningContextTokenCount rm: Int) -> Double {
        guard c > 0 else { return 0 }
        let perDirection = max(1, swapBudget.totalTokenCount(chunkTokenCount: chunkTokenCount) / 2)
        let iterations = Double((c + perDirection - 1) / perDirection)
        let fs = cost.chunkSeconds(tokenCount: chunkTokenCount)
        let stall = iterations * cost.swapStallSeconds(computeSeconds: fs, swapTokenCount: perDirection)
        return 2 * (cost.swapSeconds(tokenCount: c) * Double(c) + stall * Double(rm))
    }
}
