/// Renders run summaries as a Markdown table, CSV and JSON: SPEC §7's report format, shared by
/// the simulator and the live load generator so their runs can be compared by tools. The same
/// inputs always give the same bytes (no locale, no clock, no hash order).
public enum ReportFormat {
    /// The human-facing columns of the Markdown table: (title, column name).
    public static let markdownColumns: [(title: String, column: String)] = [
        ("policy", "policy"), ("rate", "rate"), ("arrived", "arrived"), ("done", "completed"), ("good", "good"),
        ("goodput/s", "goodput_rps"), ("attain", "attainment"), ("TTFT mean", "ttft_mean_s"), ("TTFT p95", "ttft_p95_s"),
        ("normlat mean", "normlat_mean_s"), ("normlat p95", "normlat_p95_s"), ("queue mean", "queue_mean_s"),
        ("preempt", "preemptions"), ("recomputed", "recomputed_tokens"), ("swapped GB", "swapped_bytes"),
    ]

    /// A GitHub-flavoured Markdown table, one row per run: times in seconds with 3 decimals,
    /// goodput and attainment with 3, swapped bytes in GB with 2. No runs: the header alone.
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
        case "attainment", "goodput_rps": return Format.number(value.doubleValue ?? 0, decimals: 3)
        case "rate": return value.formatted
        default:
            if case .number(let number) = value { return Format.seconds(number) }
            return markdownEscaped(value.formatted)
        }
    }

    private static func markdownEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// CSV: a header row with the stable SPEC column names first, in order, then the further
    /// statistics, then every extra column in order of first appearance; one row per run. Runs
    /// without some extra leave its cell empty. Numbers have up to 6 decimals, trailing zeros
    /// trimmed, '.' as separator. No runs: the header alone.
    public static func csv(_ runs: [RunSummary]) -> String {
        var names = RunSummary.standardColumns
        var known = Set(names)
        for run in runs {
            for extra in run.extras where !known.contains(extra.name) {
                names.append(extra.name)
                known.insert(extra.name)
            }
        }
        var lines = [names.map(csvField).joined(separator: ",")]
        for run in runs {
            let values = Dictionary(run.columns.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            lines.append(names.map { values[$0].map { csvField($0.formatted) } ?? "" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
