import Foundation
import Measurement

/// The policy comparison (issue: "the comparison report"): tables, goodput ratios with their
/// geometric means, sustained rates, TTFT reductions, predictor accuracy, and SVG charts.
public struct ComparisonReport {
    public var title: String
    public var runs: [SimulationResult]
    /// Bursty runs (Gamma arrivals), reported in their own table.
    public var burstyRuns: [SimulationResult]
    /// The policy whose gains are reported, and the baselines it is compared with.
    public var subject = "augserve"
    public var baselines = ["vllm", "infercept"]
    /// The rate whose token-budget trajectory is charted (nil: the middle rate).
    public var budgetRate: Double?

    public init(title: String, runs: [SimulationResult], burstyRuns: [SimulationResult] = []) {
        self.title = title
        self.runs = runs
        self.burstyRuns = burstyRuns
    }

    var summaries: [RunSummary] { runs.map(\.summary) }
    var policies: [String] { summaries.reduce(into: [String]()) { if !$0.contains($1.labels.policy) { $0.append($1.labels.policy) } } }
    var rates: [Double] { Array(Set(summaries.map(\.labels.rate))).sorted() }

    func summary(_ policy: String, _ rate: Double) -> RunSummary? {
        summaries.first { $0.labels.policy == policy && $0.labels.rate == rate }
    }

    /// Goodput of `subject` ÷ goodput of `baseline` per rate (nil where the baseline's is 0).
    public func goodputRatios(over baseline: String) -> [(rate: Double, ratio: Double?)] {
        rates.map { rate in
            guard let mine = summary(subject, rate), let theirs = summary(baseline, rate), theirs.goodputPerSecond > 0 else {
                return (rate, nil)
            }
            return (rate, mine.goodputPerSecond / theirs.goodputPerSecond)
        }
    }

    /// Geometric mean of the ratios over the rates where the baseline's goodput is above zero.
    public func geometricMeanRatio(over baseline: String) -> Double? {
        let ratios = goodputRatios(over: baseline).compactMap(\.ratio).filter { $0 > 0 }
        guard !ratios.isEmpty else { return nil }
        return exp(ratios.map { log($0) }.reduce(0, +) / Double(ratios.count))
    }

    /// Mean TTFT reduction of `subject` against `baseline` at the `count` highest rates.
    public func ttftReduction(over baseline: String, highestRates count: Int = 2) -> Double? {
        let reductions = rates.suffix(count).compactMap { rate -> Double? in
            guard let mine = summary(subject, rate), let theirs = summary(baseline, rate), theirs.ttft.mean > 0 else { return nil }
            return 1 - mine.ttft.mean / theirs.ttft.mean
        }
        return reductions.isEmpty ? nil : reductions.reduce(0, +) / Double(reductions.count)
    }

    public func markdown() -> String {
        var text = "# \(title)\n\n"
        text += "## Runs\n\n" + ReportFormat.markdownTable(summaries) + "\n"
        text += "## Sustained load (≥ 90% SLO attainment)\n\n" + SweepReport.capacityLines(summaries).map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        text += gainsSection()
        text += accuracySection()
        if !burstyRuns.isEmpty {
            text += "## Bursty arrivals (Gamma)\n\n" + ReportFormat.markdownTable(burstyRuns.map(\.summary))
            text += "\n| policy | arrivals | goodput/s | attainment | TTFT mean (s) |\n|---|---|---|---|---|\n"
            for run in burstyRuns {
                text += "| \(run.summary.labels.policy) | \(run.arrivalLabel) | \(Format.number(run.summary.goodputPerSecond, decimals: 3)) | "
                    + "\(Format.number(run.summary.attainment, decimals: 3)) | \(Format.seconds(run.summary.ttft.mean)) |\n"
            }
            text += "\n"
        }
        text += "## Charts\n\n" + charts().map { "![\($0.title)](\($0.fileName))" }.joined(separator: "\n\n") + "\n"
        return text
    }

    private func gainsSection() -> String {
        guard policies.contains(subject) else { return "" }
        var text = "## \(subject) against the baselines\n\n| rate | " + baselines.map { "× \($0)" }.joined(separator: " | ") + " |\n|---|"
            + baselines.map { _ in "---" }.joined(separator: "|") + "|\n"
        for rate in rates {
            let cells = baselines.map { baseline in
                goodputRatios(over: baseline).first { $0.rate == rate }?.ratio.map { Format.number($0, decimals: 2) } ?? "–"
            }
            text += "| \(Format.number(rate)) | " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n"
        for baseline in baselines where policies.contains(baseline) {
            let mean = geometricMeanRatio(over: baseline).map { Format.number($0, decimals: 2) + "×" } ?? "n/a"
            let ttft = ttftReduction(over: baseline).map { Format.number($0 * 100, decimals: 1) + "%" } ?? "n/a"
            text += "- over \(baseline): geometric-mean goodput ratio \(mean); mean TTFT reduction at the two highest rates \(ttft)\n"
        }
        return text + "\n"
    }

    private func accuracySection() -> String {
        let rows = runs.filter { $0.summary.value("pred_bucket_hit_rate") != nil }
        guard !rows.isEmpty else { return "" }
        var text = "## Predictor accuracy\n\n| policy | rate | call duration MAE (s) | returned MAE (tokens) | length bucket hit rate | generated MAE (tokens) |\n|---|---|---|---|---|---|\n"
        for run in rows {
            let value = { (name: String) in Format.number(run.summary.value(name)?.doubleValue ?? 0, decimals: 3) }
            text += "| \(run.summary.labels.policy) | \(Format.number(run.summary.labels.rate)) | \(value("pred_call_duration_mae_s")) | "
                + "\(value("pred_returned_mae_tokens")) | \(value("pred_bucket_hit_rate")) | \(value("pred_decode_mae_tokens")) |\n"
        }
        return text + "\n"
    }

    /// The report's figures: goodput, mean and p95 TTFT, normalized latency and attainment against
    /// rate, and the token budget over time at one rate.
    public func charts() -> [(fileName: String, title: String, svg: String)] {
        func byRate(_ title: String, _ file: String, _ y: String, _ value: @escaping (RunSummary) -> Double) -> (String, String, String) {
            let series = policies.map { policy in
                SVGLineChart.Series(name: policy, points: rates.compactMap { rate in summary(policy, rate).map { (rate, value($0)) } })
            }
            return (file, title, SVGLineChart(title: title, xLabel: "arrival rate (req/s)", yLabel: y, series: series).render())
        }
        var charts = [
            byRate("Goodput vs rate", "goodput.svg", "goodput (req/s)") { $0.goodputPerSecond },
            byRate("Mean TTFT vs rate", "ttft_mean.svg", "mean TTFT (s)") { $0.ttft.mean },
            byRate("p95 TTFT vs rate", "ttft_p95.svg", "p95 TTFT (s)") { $0.ttft.percentile(95) },
            byRate("Mean normalized latency vs rate", "normlat.svg", "normalized latency (s/token)") { $0.normalizedLatency.mean },
            byRate("SLO attainment vs rate", "attainment.svg", "attainment") { $0.attainment },
        ]
        let rate = budgetRate ?? (rates.isEmpty ? 0 : rates[rates.count / 2])
        let budgetSeries = runs.filter { $0.summary.labels.rate == rate }.map { run in
            SVGLineChart.Series(name: run.summary.labels.policy, points: run.tokenBudget.downsampled(to: 400).points.map { ($0.time, $0.value) })
        }
        var chart = SVGLineChart(title: "Token budget over time at \(Format.number(rate)) req/s", xLabel: "time (s)", yLabel: "tokens per iteration", series: budgetSeries)
        chart.showsMarkers = false
        charts.append(("token_budget.svg", chart.title, chart.render()))
        return charts.map { (fileName: $0.0, title: $0.1, svg: $0.2) }
    }
}

extension SimulationResult {
    /// "poisson 2/s" or "gamma 2/s cv 4".
    public var arrivalLabel: String { arrivals }
}
