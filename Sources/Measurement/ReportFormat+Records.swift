extension ReportFormat {
    /// The header of `recordsCSV`.
    public static let recordColumns = [
        "policy", "rate", "request", "type", "arrival_s", "ttft_s", "finish_s", "e2e_s", "normlat_s", "prompt_tokens",
        "generated_tokens", "returned_tokens", "calls", "call_time_s", "queue_s", "preemptions", "recomputed_tokens",
        "swapped_bytes", "slo_met",
    ]

    /// Per-request records as CSV, one row per record: times in seconds, empty cells where a
    /// request never got there (no first token, unfinished), `slo_met` 1/0 when `slo` is given.
    public static func recordsCSV(_ records: [RequestRecord], run: RunLabels? = nil, slo: SLOConfig? = nil) -> String {
        var lines = [recordColumns.joined(separator: ",")]
        for record in records {
            lines.append(recordCells(record, run: run, slo: slo).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func recordCells(_ record: RequestRecord, run: RunLabels?, slo: SLOConfig?) -> [String] {
        func seconds(_ duration: Duration?) -> String { duration.map { Format.number($0.secondsValue) } ?? "" }
        return [
            csvField(run?.policy ?? ""), run.map { Format.number($0.rate) } ?? "", String(record.requestID), csvField(record.type),
            seconds(record.arrival), seconds(record.ttft), seconds(record.finishedAt), seconds(record.endToEndLatency),
            seconds(record.normalizedLatency), String(record.promptTokenCount), String(record.generatedTokenCount),
            String(record.returnedTokenCount), String(record.callCount), seconds(record.totalCallDuration),
            seconds(record.queueingDelay), String(record.preemptionCount), String(record.recomputedTokenCount),
            String(record.swappedBytes), slo.map { $0.isMet(by: record) ? "1" : "0" } ?? "",
        ]
    }
}
