/// The metrics of one run (SPEC §7), computed from its request records.
///
/// - goodput = requests that finished and met both SLOs ÷ the arrival window;
/// - attainment = good ÷ arrived; unfinished requests count as missed;
/// - TTFT statistics cover every arrived request: one that never produced a token counts with
///   its wait until the end of the run (a lower bound), so starving requests cannot hide;
/// - normalized-latency and end-to-end statistics cover finished requests.
public struct RunSummary: Sendable, Equatable {
    public var labels: RunLabels
    public var slo: SLOConfig
    public var arrived: Int
    public var completed: Int
    public var good: Int
    public var ttft: SampleStatistics
    public var normalizedLatency: SampleStatistics
    public var queueing: SampleStatistics
    public var endToEnd: SampleStatistics
    public var preemptions: Int
    public var recomputedTokens: Int
    public var swappedBytes: Int64
    /// Further named values the producer adds (e.g. KV utilisation, predictor accuracy).
    public var extras: [(name: String, value: Double)]

    public init(records: [RequestRecord], labels: RunLabels, slo: SLOConfig, endTime: Duration? = nil, extras: [(String, Double)] = []) {
        self.labels = labels
        self.slo = slo
        arrived = records.count
        completed = records.count { $0.isFinished }
        good = records.count { slo.isMet(by: $0) }
        let end = endTime ?? records.compactMap(\.finishedAt).max() ?? labels.window
        ttft = SampleStatistics(records.map { ($0.ttft ?? max(.zero, end - $0.arrival)).secondsValue })
        normalizedLatency = SampleStatistics(records.compactMap { $0.normalizedLatency?.secondsValue })
        queueing = SampleStatistics(records.map(\.queueingDelay.secondsValue))
        endToEnd = SampleStatistics(records.compactMap { $0.endToEndLatency?.secondsValue })
        preemptions = records.reduce(0) { $0 + $1.preemptionCount }
        recomputedTokens = records.reduce(0) { $0 + $1.recomputedTokenCount }
        swappedBytes = records.reduce(0) { $0 + $1.swappedBytes }
        self.extras = extras.map { (name: $0.0, value: $0.1) }
    }

    public static func == (lhs: RunSummary, rhs: RunSummary) -> Bool {
        lhs.columns.map(\.value) == rhs.columns.map(\.value)
    }

    var windowSeconds: Double { labels.window.secondsValue }
    public var goodputPerSecond: Double { windowSeconds > 0 ? Double(good) / windowSeconds : 0 }
    public var completedPerSecond: Double { windowSeconds > 0 ? Double(completed) / windowSeconds : 0 }
    public var attainment: Double { arrived > 0 ? Double(good) / Double(arrived) : 0 }

    /// A named value of the report row.
    public func value(_ name: String) -> ReportValue? { columns.first { $0.name == name }?.value }

    /// The report row: SPEC §7's stable columns first, in order, then further statistics, then extras.
    public var columns: [(name: String, value: ReportValue)] {
        var row: [(String, ReportValue)] = [
            ("policy", .text(labels.policy)), ("preset", .text(labels.preset)), ("workload", .text(labels.workload)),
            ("rate", .number(labels.rate)), ("seed", .integer(Int64(labels.seed))), ("window_s", .number(windowSeconds)),
            ("arrived", .integer(Int64(arrived))), ("completed", .integer(Int64(completed))), ("good", .integer(Int64(good))),
            ("goodput_rps", .number(goodputPerSecond)), ("completed_rps", .number(completedPerSecond)),
            ("attainment", .number(attainment)),
            ("ttft_mean_s", .number(ttft.mean)), ("ttft_p50_s", .number(ttft.percentile(50))),
            ("ttft_p95_s", .number(ttft.percentile(95))), ("ttft_p99_s", .number(ttft.percentile(99))),
            ("normlat_mean_s", .number(normalizedLatency.mean)), ("normlat_p50_s", .number(normalizedLatency.percentile(50))),
            ("normlat_p95_s", .number(normalizedLatency.percentile(95))), ("queue_mean_s", .number(queueing.mean)),
            ("preemptions", .integer(Int64(preemptions))), ("recomputed_tokens", .integer(Int64(recomputedTokens))),
            ("swapped_bytes", .integer(swappedBytes)),
        ]
        row += [
            ("ttft_max_s", .number(ttft.maximum)), ("normlat_p99_s", .number(normalizedLatency.percentile(99))),
            ("queue_p95_s", .number(queueing.percentile(95))), ("e2e_mean_s", .number(endToEnd.mean)),
            ("e2e_p50_s", .number(endToEnd.percentile(50))), ("e2e_p95_s", .number(endToEnd.percentile(95))),
            ("e2e_p99_s", .number(endToEnd.percentile(99))),
        ]
        row += extras.map { ($0.name, .number($0.value)) }
        return row.map { (name: $0.0, value: $0.1) }
    }

    /// The names of SPEC §7's stable columns, in order.
    public static let stableColumns = [
        "policy", "preset", "workload", "rate", "seed", "window_s", "arrived", "completed", "good", "goodput_rps",
        "completed_rps", "attainment", "ttft_mean_s", "ttft_p50_s", "ttft_p95_s", "ttft_p99_s", "normlat_mean_s",
        "normlat_p50_s", "normlat_p95_s", "queue_mean_s", "preemptions", "recomputed_tokens", "swapped_bytes",
    ]
}

/// One cell of a report.
public enum ReportValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case number(Double)

    /// Locale-independent text: integers as is, numbers with up to 6 decimals, trailing zeros trimmed.
    public var formatted: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value): Format.number(value)
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .text: nil
        case .integer(let value): Double(value)
        case .number(let value): value
        }
    }
}
