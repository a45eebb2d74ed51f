import Foundation

/// Renders run summaries as a Markdown table, CSV and JSON (SPEC §7's format, shared by the
/// simulator and the load generator).
public enum ReportFormat {
    /// The human-facing columns of the Markdown table.
    public static let markdownColumns: [(title: String, column: String)] = [
        ("policy", "policy"), ("rate", "rate"), ("arrived", "arrived"), ("done", "completed"), ("good", "good"),
        ("goodput/s", "goodput_rps"), ("attain", "attainment"), ("TTFT mean", "ttft_mean_s"), ("TTFT p95", "ttft_p95_s"),
        ("normlat mean", "normlat_mean_s"), ("normlat p95", "normlat_p95_s"), ("queue mean", "queue_mean_s"),
        ("preempt", "preemptions"), ("recomputed", "recomputed_tokens"), ("swapped GB", "swapped_bytes"),
    ]

    public static func markdownTable(_ runs: [RunSummary]) -> String {
        var lines = [
            "| " + markdownColumns.map(\.title).joined(separator: " | ") + " |",
            "|" + markdownColumns.map { _ in "---" }.joined(separator: "|") + "|",
        ]
        for run in runs {
            let cells = markdownColumns.map { cell(run, $0.column) }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func cell(_ run: RunSummary, _ column: String) -> String {
        guard let value = run.value(column) else { return "" }
        switch column {
        case "swapped_bytes": return Format.number((value.doubleValue ?? 0) / 1e9, decimals: 2)
        case "attainment": return Format.number(value.doubleValue ?? 0, decimals: 3)
        case "goodput_rps": return Format.number(value.doubleValue ?? 0, decimals: 3)
        default:
            if case .number(let number) = value { return Format.seconds(number) }
            return value.formatted
        }
    }

    /// Header row of every column name, then one row per run. Rows of runs with different extras
    /// are aligned by name; missing cells are empty.
    public static func csv(_ runs: [RunSummary]) -> String {
        var names: [String] = []
        for run in runs {
            for column in run.columns where !names.contains(column.name) { names.append(column.name) }
        }
        if names.isEmpty { names = RunSummary.stableColumns }
        var lines = [names.joined(separator: ",")]
        for run in runs {
            let values = Dictionary(run.columns.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            lines.append(names.map { values[$0].map { csvField($0.formatted) } ?? "" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `{"configuration": …, "runs": [one object per run, columns in order], "series": […]}`.
    public static func json(configuration: JSONValue, runs: [RunSummary], series: [TimeSeries] = []) -> String {
        let document = JSONValue.object([
            ("configuration", configuration),
            ("runs", .array(runs.map { run in .object(run.columns.map { ($0.name, $0.value.json) }) })),
            ("series", .array(series.map(\.json))),
        ])
        return document.rendered()
    }
}

extension ReportFormat {
    /// Per-request records as CSV (times in seconds; empty cells where a request never got there).
    public static func recordsCSV(_ records: [RequestRecord], run: RunLabels? = nil, slo: SLOConfig? = nil) -> String {
        var lines = [
            "policy,rate,request,type,arrival_s,ttft_s,finish_s,e2e_s,normlat_s,prompt_tokens,generated_tokens,returned_tokens,"
                + "calls,call_time_s,queue_s,preemptions,recomputed_tokens,swapped_bytes,slo_met"
        ]
        for record in records {
            let cells: [String] = [
                run?.policy ?? "", run.map { Format.number($0.rate) } ?? "", String(record.requestID), csvField(record.type),
                Format.number(record.arrival.secondsValue), record.ttft.map { Format.number($0.secondsValue) } ?? "",
                record.finishedAt.map { Format.number($0.secondsValue) } ?? "",
                record.endToEndLatency.map { Format.number($0.secondsValue) } ?? "",
                record.normalizedLatency.map { Format.number($0.secondsValue) } ?? "",
                String(record.promptTokenCount), String(record.generatedTokenCount), String(record.returnedTokenCount),
                String(record.callCount), Format.number(record.totalCallDuration.secondsValue),
                Format.number(record.queueingDelay.secondsValue), String(record.preemptionCount),
                String(record.recomputedTokenCount), String(record.swappedBytes),
                slo.map { $0.isMet(by: record) ? "1" : "0" } ?? "",
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
