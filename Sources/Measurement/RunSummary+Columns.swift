extension RunSummary {
    /// The names of SPEC §7's stable columns, in order. Tools depend on them: never rename.
    public static let stableColumns = [
        "policy", "preset", "workload", "rate", "seed", "window_s", "arrived", "completed", "good", "goodput_rps",
        "completed_rps", "attainment", "ttft_mean_s", "ttft_p50_s", "ttft_p95_s", "ttft_p99_s", "normlat_mean_s",
        "normlat_p50_s", "normlat_p95_s", "queue_mean_s", "preemptions", "recomputed_tokens", "swapped_bytes",
    ]

    /// Further statistics every row carries, after the stable columns.
    public static let furtherColumns = [
        "ttft_max_s", "normlat_p99_s", "queue_p95_s", "e2e_mean_s", "e2e_p50_s", "e2e_p95_s", "e2e_p99_s",
        "unserved", "unserved_wait_max_s",
    ]

    /// Stable then further columns: every row's columns before its extras.
    public static let standardColumns = stableColumns + furtherColumns

    /// The report row: the stable columns, the further statistics, then the extras, in order.
    public var columns: [(name: String, value: ReportValue)] {
        let values = stableValues + furtherValues + extras.map { ReportValue.number($0.value) }
        let names = Self.standardColumns + extras.map(\.name)
        return zip(names, values).map { (name: $0, value: $1) }
    }

    /// A named value of the report row.
    public func value(_ name: String) -> ReportValue? { columns.first { $0.name == name }?.value }

    private var stableValues: [ReportValue] {
        [
            .text(labels.policy), .text(labels.preset), .text(labels.workload), .number(labels.rate),
            Int64(exactly: labels.seed).map(ReportValue.integer) ?? .text(String(labels.seed)), .number(windowSeconds),
            .integer(Int64(arrived)), .integer(Int64(completed)), .integer(Int64(good)),
            .number(goodputPerSecond), .number(completedPerSecond), .number(attainment),
            .number(ttft.mean), .number(ttft.percentile(50)), .number(ttft.percentile(95)), .number(ttft.percentile(99)),
            .number(normalizedLatency.mean), .number(normalizedLatency.percentile(50)), .number(normalizedLatency.percentile(95)),
            .number(queueing.mean), .integer(Int64(preemptions)), .integer(Int64(recomputedTokens)), .integer(swappedBytes),
        ]
    }

    private var furtherValues: [ReportValue] {
        [
            .number(ttft.maximum), .number(normalizedLatency.percentile(99)), .number(queueing.percentile(95)),
            .number(endToEnd.mean), .number(endToEnd.percentile(50)), .number(endToEnd.percentile(95)),
            .number(endToEnd.percentile(99)), .integer(Int64(unservedCount)), .number(longestUnservedWait.secondsValue),
        ]
    }
}
