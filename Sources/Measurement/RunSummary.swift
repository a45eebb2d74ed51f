/// The metrics of one run (SPEC §7), computed from its request records.
///
/// - `arrived` counts every record, `completed` the finished ones, `good` the finished ones that
///   met both objectives of the SLO. Unfinished requests count as missed.
/// - goodput = good ÷ the arrival window; completed/s = completed ÷ the window; attainment =
///   good ÷ arrived.
/// - TTFT statistics cover the requests that produced a first token (finished or not). Requests
///   that never produced one are not in them: they are counted in `unservedCount`, and the
///   longest such wait (until the end of the run) is `longestUnservedWait`, so starvation stays
///   visible without a made-up TTFT.
/// - Normalized latency and end-to-end statistics cover finished requests (normalized latency
///   only those with output tokens); queueing covers every arrived request.
/// - Zero requests (or a zero window) give zeros everywhere, never NaN, which JSON cannot hold.
///   Extra values that are not finite are stored as 0 for the same reason.
public struct RunSummary: Sendable, Equatable, Codable {
    /// A named value the producer adds to the row (KV utilisation, token budget, predictor error).
    public struct Extra: Sendable, Equatable, Codable {
        /// The column name.
        public var name: String
        /// The value (finite).
        public var value: Double
        /// A named extra value.
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// What the run was (policy, preset, workload, rate, seed, window).
    public var labels: RunLabels
    /// The SLO `good` was judged against.
    public var slo: SLOConfig
    /// Requests that arrived in the window.
    public var arrived: Int
    /// Requests that finished.
    public var completed: Int
    /// Requests that finished within both objectives.
    public var good: Int
    /// Time to first token, seconds, over the requests that produced a first token.
    public var ttft: SampleStatistics
    /// Normalized latency, seconds per output token, over finished requests with output.
    public var normalizedLatency: SampleStatistics
    /// Queueing delay, seconds, over every arrived request.
    public var queueing: SampleStatistics
    /// End-to-end latency, seconds, over finished requests.
    public var endToEnd: SampleStatistics
    /// Arrived requests that never produced a first token.
    public var unservedCount: Int
    /// The longest wait of a request that never produced a first token, until the end of the run.
    public var longestUnservedWait: Duration
    /// Σ preemptions.
    public var preemptions: Int
    /// Σ recomputed tokens.
    public var recomputedTokens: Int
    /// Σ bytes swapped between device and host.
    public var swappedBytes: Int64
    /// The producer's further columns, in order; names are unique and differ from the standard columns.
    public var extras: [Extra]

    /// Summarises `records` of a run labelled `labels`, judging goodput against `slo`.
    /// `endTime` is when the run ended (after its drain); it bounds the waits of requests that
    /// never produced a token, and defaults to the last finish (or the window, if later).
    public init(records: [RequestRecord], labels: RunLabels, slo: SLOConfig, endTime: Duration? = nil, extras: [(String, Double)] = []) {
        self.labels = labels
        self.slo = slo
        arrived = records.count
        completed = records.count { $0.isFinished }
        good = records.count { slo.isMet(by: $0) }
        ttft = SampleStatistics(records.compactMap { $0.ttft?.secondsValue })
        normalizedLatency = SampleStatistics(records.compactMap { $0.normalizedLatency?.secondsValue })
        queueing = SampleStatistics(records.map(\.queueingDelay.secondsValue))
        endToEnd = SampleStatistics(records.compactMap { $0.endToEndLatency?.secondsValue })
        let unserved = records.filter { $0.firstTokenAt == nil }
        let end = endTime ?? max(records.compactMap(\.finishedAt).max() ?? .zero, labels.window)
        unservedCount = unserved.count
        longestUnservedWait = unserved.map { max(.zero, end - $0.arrival) }.max() ?? .zero
        preemptions = records.reduce(0) { $0 + $1.preemptionCount }
        recomputedTokens = records.reduce(0) { $0 + $1.recomputedTokenCount }
        swappedBytes = records.reduce(0) { $0 + $1.swappedBytes }
        self.extras = Self.uniqueExtras(extras)
    }

    /// Requests per second of the window that were good (0 for a zero window).
    public var goodputPerSecond: Double { windowSeconds > 0 ? Double(good) / windowSeconds : 0 }
    /// Requests per second of the window that finished (0 for a zero window).
    public var completedPerSecond: Double { windowSeconds > 0 ? Double(completed) / windowSeconds : 0 }
    /// Good ÷ arrived (0 when nothing arrived).
    public var attainment: Double { arrived > 0 ? Double(good) / Double(arrived) : 0 }
    /// The arrival window in seconds.
    public var windowSeconds: Double { labels.window.secondsValue }

    /// Extras with finite values and names unique among themselves and the standard columns
    /// (a clash gets `_2`, `_3`, … appended rather than silently shadowing a column).
    static func uniqueExtras(_ extras: [(String, Double)]) -> [Extra] {
        var taken = Set(standardColumns)
        return extras.map { name, value in
            var unique = name
            var suffix = 2
            while taken.contains(unique) {
                unique = "\(name)_\(suffix)"
                suffix += 1
            }
            taken.insert(unique)
            return Extra(name: unique, value: value.isFinite ? value : 0)
        }
    }
}
