/// Helpers policies use to inspect and act on paused and swapped requests.
extension EngineCore {
    /// Time left in a paused request's call, as the scheduler believes it (never negative).
    func remainingCall(of request: Request, now: Duration) -> Duration {
        guard let call = request.pendingCall else { return .zero }
        let left = call.expectedDuration - (now - call.startedAt)
        return left > .zero ? left : .zero
    }

    /// Discards a paused request's context; it will recompute when its call returns.
    func discardPaused(_ request: Request) {
        discardContext(request)
        request.state = .paused(.discard)
    }

    /// Turns a swapped request waiting for swap-in into one waiting to recompute.
    func convertSwappedToRecompute(_ request: Request, now: Duration) {
        remove(request, from: &swappedQueue)
        closeQueueingEpisode(request, now: now)
        discardContext(request)
        enqueueWaiting(request, entry: .callReturned, now: now)
    }

    /// Tokens the running requests need this iteration and the context they hold.
    func runningLoad() -> RunningLoad {
        var load = RunningLoad()
        for request in running {
            load.pendingTokens += request.pendingTokenCount
            load.contextTokens += request.computedCount
        }
        return load
    }
}
