import Measurement

/// One measured run: the client's records, the SPEC §7 summary (the simulator's columns) and the
/// client-side statistics `vllm bench serve` reports.
public struct BenchRun: Sendable {
    public var records: [ClientRecord]
    public var summary: RunSummary
    public var ttft: SampleStatistics
    public var interTokenLatency: SampleStatistics
    public var timePerOutputToken: SampleStatistics
    public var endToEnd: SampleStatistics
    public var normalizedLatency: SampleStatistics
    /// Requests good under `vllm bench serve`'s `--goodput` thresholds (nil without thresholds).
    public var vllmGood: Int?
    public var failures: [(reason: String, count: Int)]
    public var perClass: [(type: String, arrived: Int, good: Int)]

    /// The extra report columns, in order (also written to CSV and JSON).
    public static let extraColumns = [
        "failed", "itl_mean_s", "itl_p99_s", "tpot_mean_s", "tpot_p99_s", "e2el_mean_s", "e2el_p99_s", "vllm_goodput_rps",
    ]

    public init(records: [ClientRecord], labels: RunLabels, slo: SLOConfig, goodput: VLLMGoodput, endTime: Duration? = nil) {
        self.records = records
        let requestRecords = records.map(\.requestRecord)
        // Every request that got a first token, finished or not (as the SPEC §7 summary counts it).
        ttft = SampleStatistics(records.compactMap { $0.ttft?.secondsValue })
        interTokenLatency = SampleStatistics(records.filter { $0.failure == nil }.flatMap(\.interTokenGaps))
        timePerOutputToken = SampleStatistics(records.filter { $0.failure == nil }.compactMap { $0.timePerOutputToken?.secondsValue })
        endToEnd = SampleStatistics(requestRecords.compactMap { $0.endToEndLatency?.secondsValue })
        normalizedLatency = SampleStatistics(requestRecords.compactMap { $0.normalizedLatency?.secondsValue })
        vllmGood = goodput.isEmpty ? nil : records.count { goodput.isMet(by: $0) }
        var reasons: [String: Int] = [:]
        for record in records { if let failure = record.failure { reasons[failure, default: 0] += 1 } }
        failures = reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        var classes: [String: (Int, Int)] = [:]
        for record in requestRecords {
            var entry = classes[record.type] ?? (0, 0)
            entry.0 += 1
            if slo.isMet(by: record) { entry.1 += 1 }
            classes[record.type] = entry
        }
        perClass = classes.keys.sorted().map { ($0, classes[$0]!.0, classes[$0]!.1) }
        let failed = Double(reasons.values.reduce(0, +))
        let window = labels.window.secondsValue
        let extras: [(String, Double)] = [
            ("failed", failed), ("itl_mean_s", interTokenLatency.mean), ("itl_p99_s", interTokenLatency.percentile(99)),
            ("tpot_mean_s", timePerOutputToken.mean), ("tpot_p99_s", timePerOutputToken.percentile(99)),
            ("e2el_mean_s", endToEnd.mean), ("e2el_p99_s", endToEnd.percentile(99)),
            ("vllm_goodput_rps", window > 0 ? Double(vllmGood ?? 0) / window : 0),
        ]
        summary = RunSummary(records: requestRecords, labels: labels, slo: slo, endTime: endTime, extras: extras)
    }

    /// Attainment of one request class (0 when none arrived).
    public func attainment(of type: String) -> Double {
        guard let entry = perClass.first(where: { $0.type == type }), entry.arrived > 0 else { return 0 }
        return Double(entry.good) / Double(entry.arrived)
    }
}

/// The load generator's Markdown: the simulator's table, then the client-side latencies
/// (mean, p50, p90, p95, p99), per-class attainment and failures with their reasons.
public enum BenchReport {
    public static func latencyTable(_ runs: [BenchRun]) -> String {
        var lines = ["| policy | rate | metric | mean | p50 | p90 | p95 | p99 |", "|---|---|---|---|---|---|---|---|"]
        for run in runs {
            let rows: [(String, SampleStatistics)] = [
                ("TTFT (s)", run.ttft), ("ITL (s)", run.interTokenLatency), ("TPOT (s)", run.timePerOutputToken),
                ("E2E latency (s)", run.endToEnd), ("normalized latency (s/token)", run.normalizedLatency),
            ]
            for (name, statistics) in rows {
                let cells = [statistics.mean] + [50, 90, 95, 99].map(statistics.percentile)
                lines.append("| \(run.summary.labels.policy) | \(Format.number(run.summary.labels.rate, decimals: 3)) | \(name) | "
                    + cells.map { Format.number($0, decimals: 4) }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func classTable(_ runs: [BenchRun]) -> String {
        let types = Array(Set(runs.flatMap { $0.perClass.map(\.type) })).sorted()
        var lines = ["| policy | rate | " + types.joined(separator: " | ") + " |", "|---|---|" + types.map { _ in "---" }.joined(separator: "|") + "|"]
        for run in runs {
            let cells = types.map { type -> String in
                guard let entry = run.perClass.first(where: { $0.type == type }) else { return "" }
                return "\(Format.number(run.attainment(of: type), decimals: 2)) (\(entry.good)/\(entry.arrived))"
            }
            lines.append("| \(run.summary.labels.policy) | \(Format.number(run.summary.labels.rate, decimals: 3)) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Per run: the prompt tokens per request the server counted, against those the workload
    /// meant (in generic mode every segment re-sends the context as text, tokenized again).
    public static func promptTokenTable(_ runs: [BenchRun]) -> String {
        var lines = ["| policy | rate | server-counted | workload | ratio |", "|---|---|---|---|---|"]
        for run in runs {
            let reported = run.records.filter { $0.serverPromptTokens > 0 }
            guard !reported.isEmpty else { continue }
            let server = Double(reported.reduce(0) { $0 + $1.serverPromptTokens }) / Double(reported.count)
            let intended = Double(reported.reduce(0) { $0 + $1.intendedPromptTokens }) / Double(reported.count)
            lines.append("| \(run.summary.labels.policy) | \(Format.number(run.summary.labels.rate, decimals: 3)) | "
                + "\(Format.number(server, decimals: 1)) | \(Format.number(intended, decimals: 1)) | \(intended > 0 ? Format.number(server / intended, decimals: 3) : "—") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func failureLines(_ runs: [BenchRun]) -> String {
        var lines: [String] = []
        for run in runs where !run.failures.isEmpty {
            let reasons = run.failures.map { "\($0.count) × \($0.reason)" }.joined(separator: "; ")
            lines.append("- \(run.summary.labels.policy) at \(Format.number(run.summary.labels.rate, decimals: 3)) req/s: \(reasons)")
        }
        for run in runs {
            let retried = run.records.reduce(0) { $0 + $1.connectionRetries }
            guard retried > 0 else { continue }
            lines.append("- \(run.summary.labels.policy) at \(Format.number(run.summary.labels.rate, decimals: 3)) req/s: "
                + "\(retried) HTTP requests sent again after the server closed a pooled keep-alive connection (not failures)")
        }
        return lines.isEmpty ? "No failed requests.\n" : lines.joined(separator: "\n") + "\n"
    }

    /// One run's report: configuration lines, then the tables.
    public static func markdown(title: String, configuration: [String], runs: [BenchRun]) -> String {
        var text = "# \(title)\n\n" + configuration.map { "- \($0)\n" }.joined() + "\n"
        text += "## Goodput and SLO attainment (SPEC §7 columns)\n\n" + ReportFormat.markdownTable(runs.map(\.summary)) + "\n"
        text += "## Client-side latencies\n\n" + latencyTable(runs) + "\n"
        text += "## Attainment per request class\n\n" + classTable(runs) + "\n"
        text += "## Prompt tokens per request\n\n" + promptTokenTable(runs) + "\n"
        text += "## Failed requests\n\n" + failureLines(runs)
        return text
    }
}
