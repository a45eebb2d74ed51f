/// vLLM as InferCept compares against it (SPEC §4, Appendix A): FCFS; a call ends the request and
/// frees its KV (with prefix caching the blocks stay cached); when the call returns the request
/// re-enters the tail of the queue and prefills its whole context again. Under memory pressure the
/// latest-arrived running request is preempted by recompute and goes to the head of the queue.
final class VLLMPolicy: SchedulingPolicy {
    let waiting: WaitingQueue = KeyedWaitingQueue()
    let swapsUnderPressure = false
    private let maxBatchedTokenCount: Int
    /// Head insertions get ever smaller keys, so the last preempted is first (a deque's push-front).
    private var headInsertionCount = 0.0

    init(configuration: EngineConfiguration) {
        maxBatchedTokenCount = configuration.limits.maxBatchedTokenCount
    }

    func queueKey(for request: Request, entry: QueueEntry, now: Duration) -> Double {
        switch entry {
        case .arrival: return request.arrival.seconds
        case .callReturned: return now.seconds
        case .preempted:
            headInsertionCount += 1
            return -headInsertionCount
        }
    }

    func tokenBudget(core: EngineCore, now: Duration) -> Int { maxBatchedTokenCount }
    func swapBudget(core: EngineCore) -> (swapIn: Int, swapOut: Int) { (0, 0) }
    func pausedVictim(core: EngineCore, now: Duration) -> Request? { nil }
    func contextModeAtInterception(_ request: Request, core: EngineCore, now: Duration) -> ContextMode { .discard }
    /// vLLM frees everything at the call, so how long it lasts never matters.
    func expectedDuration(of call: CallDescriptor, truth: ScriptedCall?, for request: Request, core: EngineCore) -> Duration { .zero }
}
