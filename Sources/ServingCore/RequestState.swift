/// Where a request is in its life (SPEC §2). Exactly one state at a time; the core keeps one
/// container per state and the invariant check verifies membership matches.
public enum RequestState: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// In the waiting queue: never run, discarded and returned, preempted by recompute, or (vLLM)
    /// re-queued after a call.
    case waiting
    /// In the running set: prefilling in chunks or decoding.
    case running
    /// Paused during an external call, its context held per the mode.
    case paused(ContextMode)
    /// Ready to run but (partly) on host memory: waiting to be swapped in.
    case swapped
    case finished(FinishReason)

    public var description: String {
        switch self {
        case .waiting: "waiting"
        case .running: "running"
        case .paused(let mode): "paused(\(mode.rawValue))"
        case .swapped: "swapped"
        case .finished(let reason): "finished(\(reason.rawValue))"
        }
    }

    public var isFinished: Bool {
        if case .finished = self { return true }
        return false
    }
}
