import Collections

/// Why a request enters the waiting queue; policies key it differently.
enum QueueEntry {
    /// A new request.
    case arrival
    /// Back from a call with its context discarded (vLLM: always; InferCept: Discard mode).
    case callReturned
    /// Preempted by recompute under memory pressure.
    case preempted
}

/// Requests waiting for admission, ordered by a policy. Candidates are popped in order during
/// admission; those not admitted are put back with `reinsert`.
protocol WaitingQueue: AnyObject {
    var count: Int { get }
    func insert(_ request: Request)
    /// Forgets `request` (abort); O(1), the stale entry is skipped later.
    func remove(_ request: Request)
    /// Called once per scheduling round before any `popNext` (re-ranking policies refresh keys).
    func beginRound(now: Duration)
    func popNext(now: Duration) -> Request?
    func reinsert(_ requests: [Request])
    /// Every live member, in no particular order (invariant checks, snapshots).
    var members: [Request] { get }
}

/// A min-heap on `Request.queueKey` (ties broken by insertion order) with lazy deletion.
/// Used by the FCFS policies: keys are arrival times, so popping is first-come order.
final class KeyedWaitingQueue: WaitingQueue {
    private struct Entry: Comparable {
        let key: Double
        let sequence: UInt64
        let generation: UInt32
        let request: Request

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.key != rhs.key ? lhs.key < rhs.key : lhs.sequence < rhs.sequence
        }
        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.key == rhs.key && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var nextSequence: UInt64 = 0
    private var live: [RequestID: Request] = [:]

    var count: Int { live.count }
    var members: [Request] { Array(live.values) }

    func insert(_ request: Request) {
        request.queueSequence = nextSequence
        nextSequence += 1
        push(request)
    }

    private func push(_ request: Request) {
        request.queueGeneration &+= 1
        live[request.id] = request
        heap.insert(Entry(key: request.queueKey, sequence: request.queueSequence, generation: request.queueGeneration, request: request))
    }

    func remove(_ request: Request) {
        guard live.removeValue(forKey: request.id) != nil else { return }
        request.queueGeneration &+= 1
    }

    func beginRound(now: Duration) {}

    func popNext(now: Duration) -> Request? {
        while let entry = heap.popMin() {
            guard entry.generation == entry.request.queueGeneration, live[entry.request.id] != nil else { continue }
            remove(entry.request)
            return entry.request
        }
        return nil
    }

    /// Puts back candidates that were popped but not admitted, keeping their original order.
    func reinsert(_ requests: [Request]) {
        for request in requests { push(request) }
    }
}
