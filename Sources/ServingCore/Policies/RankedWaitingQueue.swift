import Collections

/// AugServe's waiting queue, ranked incrementally. Membership is an unordered array (O(1) insert
/// and removal) with a parallel array of each member's ranking inputs (plain values, fixed while it
/// waits), so a ranking pass reads contiguous memory instead of chasing 10,000 objects. Two heaps order the candidates: starving members by how long they have waited,
/// everyone by (tier, rank). A new member is pushed with its placement at insertion (O(log n));
/// popped members leave lazily. Because ranks age with waiting time, the heaps are rebuilt from
/// scratch — O(n) arithmetic plus heapify, no sort — at most once per `refreshInterval` of the
/// driver's clock, and only in rounds that admit. A member is in exactly one heap: starving or ranked.
final class RankedWaitingQueue: WaitingQueue {
    /// How the policy places a member.
    struct Placement {
        var isStarving: Bool
        /// 0 = can still meet its objective, 1 = late.
        var tier: Int
        var rank: Double
        /// When its current wait began: the starving are served longest-current-wait first.
        var waitingSince: Double
    }

    /// Entries name requests by id (no reference counting in the heap); stale ones are skipped.
    private struct Entry: Comparable {
        let tier: Int
        let rank: Double
        let sequence: UInt64
        let id: RequestID

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            if lhs.tier != rhs.tier { return lhs.tier < rhs.tier }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            return lhs.sequence < rhs.sequence
        }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.sequence == rhs.sequence && lhs.id == rhs.id }
    }

    /// Starving members, longest total wait first (oldest `since`).
    private struct StarvingEntry: Comparable {
        let since: Double
        let sequence: UInt64
        let id: RequestID

        static func < (lhs: StarvingEntry, rhs: StarvingEntry) -> Bool {
            lhs.since != rhs.since ? lhs.since < rhs.since : lhs.sequence < rhs.sequence
        }
        static func == (lhs: StarvingEntry, rhs: StarvingEntry) -> Bool { lhs.sequence == rhs.sequence && lhs.id == rhs.id }
    }

    let refreshInterval: Duration
    private var items: [Request] = []
    private var inputs: [RankInput] = []
    private var positions: [RequestID: Int] = [:]
    private var nextSequence: UInt64 = 0
    private var ranked = Heap<Entry>()
    private var starving = Heap<StarvingEntry>()
    private var builtAt: Duration?
    private var context: RankingContext?
    private let prepare: (Duration) -> RankingContext
    private let describe: (Request) -> RankInput
    private let place: (RankInput, RankingContext) -> Placement

    /// `describe` captures a member's ranking inputs when it enters; `prepare` computes what every
    /// placement of one pass shares; `place` places one member.
    init(
        refreshInterval: Duration = .milliseconds(250), describe: @escaping (Request) -> RankInput,
        prepare: @escaping (Duration) -> RankingContext, place: @escaping (RankInput, RankingContext) -> Placement
    ) {
        self.refreshInterval = refreshInterval
        self.describe = describe
        self.prepare = prepare
        self.place = place
    }

    var count: Int { items.count }
    var members: [Request] { items }

    func insert(_ request: Request) {
        request.queueSequence = nextSequence
        nextSequence += 1
        add(request)
    }

    /// Adds a member; with the heaps built, also pushes it with its placement now.
    private func add(_ request: Request) {
        positions[request.id] = items.count
        items.append(request)
        let input = describe(request)
        inputs.append(input)
        request.queueGeneration &+= 1
        if let context { push(input, context: context) }
    }

    private func push(_ input: RankInput, context: RankingContext) {
        let placement = place(input, context)
        if placement.isStarving {
            starving.insert(StarvingEntry(since: placement.waitingSince, sequence: input.sequence, id: input.id))
        } else {
            ranked.insert(Entry(tier: placement.tier, rank: placement.rank, sequence: input.sequence, id: input.id))
        }
    }

    func remove(_ request: Request) {
        guard let index = positions.removeValue(forKey: request.id) else { return }
        let last = items.removeLast()
        let lastInput = inputs.removeLast()
        if index < items.count {
            items[index] = last
            inputs[index] = lastInput
            positions[last.id] = index
        }
        request.queueGeneration &+= 1
    }

    func beginRound(now: Duration) {
        if let builtAt, now - builtAt < refreshInterval { return }
        rebuild(now)
    }

    /// The longest-waiting starving member.
    func popStarving(now: Duration) -> Request? {
        while let entry = starving.popMin() {
            if let request = take(entry.id) { return request }
        }
        return nil
    }

    /// The best remaining member: tier first, then rank; starving members beyond their guaranteed
    /// share come after everyone else (their share is served first by `popStarving`).
    func popNext(now: Duration) -> Request? {
        while let entry = ranked.popMin() {
            if let request = take(entry.id) { return request }
        }
        return popStarving(now: now)
    }

    /// Removes and returns a live member (nil for a stale entry).
    private func take(_ id: RequestID) -> Request? {
        guard let index = positions[id] else { return nil }
        let request = items[index]
        remove(request)
        return request
    }

    func reinsert(_ requests: [Request]) {
        for request in requests { add(request) }
    }

    private func rebuild(_ now: Duration) {
        builtAt = now
        let context = prepare(now)
        self.context = context
        var entries: [Entry] = []
        var starvingEntries: [StarvingEntry] = []
        entries.reserveCapacity(inputs.count)
        for input in inputs {
            let placement = place(input, context)
            if placement.isStarving {
                starvingEntries.append(StarvingEntry(since: placement.waitingSince, sequence: input.sequence, id: input.id))
            } else {
                entries.append(Entry(tier: placement.tier, rank: placement.rank, sequence: input.sequence, id: input.id))
            }
        }
        ranked = Heap(entries)
        starving = Heap(starvingEntries)
    }
}

/// What every placement of one ranking pass shares, in plain seconds (no `Duration` arithmetic in
/// the per-request loop).
struct RankingContext {
    let now: Double
    let ttft: Double
    let beta: Double
    let starvationAfter: Double
    let normalizedLatency: Double
    /// Tokens per iteration and the iteration's modelled time, for TTFT triage.
    let budget: Int
    let iterationSeconds: Double
    /// By class index: the class is below the fairness floor (empty: no floor).
    var behindClasses: [Bool] = []
}

/// A waiting request's ranking inputs, captured when it enters the queue.
struct RankInput {
    let id: RequestID
    let sequence: UInt64
    /// Stage I value and Stage II remaining cost (token·seconds).
    let value: Double
    let remainingCost: Double
    /// Seconds: arrival, entry into this queue, earlier waiting, earlier call time, predicted service left.
    let arrival: Double
    let queueEntry: Double
    let priorWait: Double
    let callTime: Double
    let serviceLeft: Double
    /// Tokens to prefill before the first token / next token.
    let pendingTokens: Int
    let hasFirstToken: Bool
    /// Output tokens so far plus those still predicted.
    let expectedOutput: Int
    /// `RequestSpec.priority` (lower first): the most significant part of the tier.
    let priority: Int
    /// Per-request objectives in seconds (nil: the policy's).
    let ttftObjective: Double?
    let normalizedLatencyObjective: Double?
    /// The request class's index in the policy's attainment tracker (−1: none).
    var classIndex = -1
}
