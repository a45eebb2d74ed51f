import Collections

/// AugServe's waiting queue. Membership is an unordered array (O(1) insert and removal); the order
/// is rebuilt at most once per round, and only in rounds that admit: every member's rank is
/// refreshed from its cached remaining cost and its wait (O(n) arithmetic), starving members are
/// set apart oldest first, and the rest are heapified by (tier, rank) in O(n). Each admission then
/// pops in O(log n) — no full sort, no re-sort per admission.
final class RankedWaitingQueue: WaitingQueue {
    /// How the policy places a member this round.
    struct Placement {
        var isStarving: Bool
        /// 0 = can still meet its objective, 1 = late.
        var tier: Int
        var rank: Double
    }

    private struct Entry: Comparable {
        let tier: Int
        let rank: Double
        let sequence: UInt64
        let request: Request

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            if lhs.tier != rhs.tier { return lhs.tier < rhs.tier }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            return lhs.sequence < rhs.sequence
        }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.sequence == rhs.sequence && lhs.request === rhs.request }
    }

    private var items: [Request] = []
    private var positions: [RequestID: Int] = [:]
    private var nextSequence: UInt64 = 0
    private var starving: [Request] = []
    private var starvingCursor = 0
    private var ranked = Heap<Entry>()
    private var isBuilt = false
    /// Requests popped this round (they left `items`); they come back through `reinsert`.
    private let place: (Request, Duration) -> Placement

    init(place: @escaping (Request, Duration) -> Placement) {
        self.place = place
    }

    var count: Int { items.count }
    var members: [Request] { items }

    func insert(_ request: Request) {
        request.queueSequence = nextSequence
        nextSequence += 1
        append(request)
    }

    private func append(_ request: Request) {
        positions[request.id] = items.count
        items.append(request)
        request.queueGeneration &+= 1
    }

    func remove(_ request: Request) {
        guard let index = positions.removeValue(forKey: request.id) else { return }
        let last = items.removeLast()
        if index < items.count {
            items[index] = last
            positions[last.id] = index
        }
        request.queueGeneration &+= 1
    }

    func beginRound(now: Duration) { isBuilt = false }

    /// The oldest starving member not yet offered this round.
    func popStarving(now: Duration) -> Request? {
        build(now)
        while starvingCursor < starving.count {
            let request = starving[starvingCursor]
            starvingCursor += 1
            if positions[request.id] != nil {
                remove(request)
                return request
            }
        }
        return nil
    }

    /// The best-ranked remaining member: tier first, then rank.
    func popNext(now: Duration) -> Request? {
        build(now)
        while let entry = ranked.popMin() {
            guard positions[entry.request.id] != nil else { continue }
            remove(entry.request)
            return entry.request
        }
        return popStarving(now: now)
    }

    func reinsert(_ requests: [Request]) {
        for request in requests { append(request) }
    }

    private func build(_ now: Duration) {
        guard !isBuilt else { return }
        isBuilt = true
        starving.removeAll(keepingCapacity: true)
        starvingCursor = 0
        var entries: [Entry] = []
        entries.reserveCapacity(items.count)
        for request in items {
            let placement = place(request, now)
            if placement.isStarving {
                starving.append(request)
            } else {
                entries.append(Entry(tier: placement.tier, rank: placement.rank, sequence: request.queueSequence, request: request))
            }
        }
        starving.sort { ($0.waitingSince ?? .zero, $0.queueSequence) < ($1.waitingSince ?? .zero, $1.queueSequence) }
        ranked = Heap(entries)
    }
}
