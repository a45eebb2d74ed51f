/// A request inside the core. A reference type because every queue and the block-table logic
/// act on the same request; the core is single-threaded, so nothing here is shared across threads.
final class Request {
    let id: RequestID
    let arrival: Duration
    /// What was submitted; a continued session (`continueSession`) takes the next turn's sampling and limits.
    var spec: RequestSpec
    /// prompt + generated + returned tokens, in order.
    var tokens: [TokenID]
    var state: RequestState = .waiting

    // KV placement. `blocks` cover the first `blocks.count` blocks of the sequence on the device;
    // `hostSlots` hold the following blocks on the host (a tail swapped out).
    var blocks: [BlockID] = []
    var hostSlots: [HostSlotID] = []
    /// Tokens whose KV is computed and held (on device or host).
    var computedCount = 0
    /// The most tokens ever computed, to count recomputation.
    var maxComputedCount = 0
    /// Prefix-chain hashes of the full computed blocks (prefix caching).
    var blockHashes: [UInt64] = []

    // Generation progress.
    var generatedCount = 0
    var returnedCount = 0
    var segmentIndex = 0
    var decodedInSegment = 0

    // The call in progress, if paused.
    var pendingCall: PendingCall?

    // Queueing: the time it (re-)entered a queue waiting for admission, and the key that orders it.
    var waitingSince: Duration?
    var queueKey: Double = 0
    /// Bumped whenever the request leaves a queue, so stale heap entries can be skipped.
    var queueGeneration: UInt32 = 0
    /// Insertion order, the tie-breaker between equal keys.
    var queueSequence: UInt64 = 0
    /// The round in which it was last given tokens (a request is scheduled at most once a round).
    var lastScheduledRound = -1

    // Outcome statistics.
    var firstTokenAt: Duration?
    var finishedAt: Duration?
    var queueingDelay: Duration = .zero
    var totalCallDuration: Duration = .zero
    var callCount = 0
    var preemptionCount = 0
    var recomputedTokenCount = 0
    var swappedBlockCount = 0
    /// Prompt tokens whose KV came from the prefix cache at the first admission (usage's
    /// `cached_tokens`); nil until admitted.
    var cachedPromptTokenCount: Int?
    /// A client-side tool round trip held as a paused session: its memory is reclaimed before any
    /// admission waits (soft retention).
    var isSession = false

    /// AugServe's per-request predictions and costs (nil under other policies). A typed field, not
    /// an opaque one: the ranking reads it for every waiting request and a dynamic cast per read
    /// cost more than the rest of the round.
    var augserve: AugServeRequestState?

    init(id: RequestID, spec: RequestSpec, arrival: Duration) {
        self.id = id
        self.spec = spec
        self.arrival = arrival
        self.tokens = spec.promptTokens
        self.queueKey = arrival.seconds
    }

    var promptCount: Int { spec.promptTokens.count }
    /// Time spent waiting for admission or swap-in so far, the current episode included.
    func totalWaitingTime(now: Duration) -> Duration {
        queueingDelay + (waitingSince.map { max(.zero, now - $0) } ?? .zero)
    }
    var outputCount: Int { generatedCount + returnedCount }
    /// Output counted against `maxOutputTokenCount` (returned tokens only for trace replay).
    var accountedOutputCount: Int {
        spec.outputAccounting == .generatedAndReturned ? generatedCount + returnedCount : generatedCount
    }
    /// Tokens still to forward before the request can sample again.
    var pendingTokenCount: Int { tokens.count - computedCount }
    var isDecoding: Bool { pendingTokenCount == 1 && computedCount > 0 }
    var isFullyOnDevice: Bool { hostSlots.isEmpty }

    /// Decode tokens left in the current scripted segment (nil for free generation).
    var scriptedDecodesLeft: Int? {
        guard segmentIndex < spec.segments.count else { return spec.segments.isEmpty ? nil : 0 }
        return spec.segments[segmentIndex].decodeTokenCount - decodedInSegment
    }

    /// The call that ends the current segment, if any.
    var scriptedCall: ScriptedCall? {
        segmentIndex < spec.segments.count ? spec.segments[segmentIndex].call : nil
    }
}

/// A call that paused a request.
struct PendingCall {
    var name: String
    var startedAt: Duration
    /// The call's duration as the scheduler believes it (oracle truth or a prediction).
    var expectedDuration: Duration
    /// Set once the call returned but the request has not yet resumed.
    var returnedTokens: [TokenID]?
}
