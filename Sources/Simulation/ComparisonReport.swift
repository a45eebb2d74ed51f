import Foundation
import Measurement

/// The policy comparison (issue: "the comparison report"). Headline figures are medians over the
/// seeds with their range: each policy's sustainable rate (bisection to 0.05 req/s) and goodput at
/// that knee, the subject's sustainable-rate and geometric-mean goodput ratios against every
/// baseline, TTFT reductions, per-class attainment, and each ablation's share of the subject's
/// lead. Run tables, predictor accuracy and charts show the first seed.
public struct ComparisonReport {
    public var title: String
    /// Every seed's runs; the first seed's are the detailed tables and charts.
    public var seedRuns: [SeedRuns]
    /// Bursty runs (Gamma arrivals), reported in their own table.
    public var burstyRuns: [SimulationResult]
    /// The policy whose gains are reported, and the baselines it is compared with.
    public var subject = "augserve"
    public var baselines = ["vllm", "vllm-apc", "infercept"]
    /// Request classes in table order (others found in the runs follow).
    public var classOrder = ["math", "qa", "ve", "chatbot", "image", "tts"]
    /// The rate whose token-budget trajectory is charted (nil: the middle rate).
    public var budgetRate: Double?

    /// One seed without sustainable-rate searches.
    public init(title: String, runs: [SimulationResult], burstyRuns: [SimulationResult] = []) {
        self.init(title: title, seedRuns: [SeedRuns(seed: runs.first?.summary.labels.seed ?? 0, runs: runs)], burstyRuns: burstyRuns)
    }

    public init(title: String, seedRuns: [SeedRuns], burstyRuns: [SimulationResult] = []) {
        self.title = title
        self.seedRuns = seedRuns
        self.burstyRuns = burstyRuns
    }

    /// The first seed's runs.
    public var runs: [SimulationResult] { seedRuns.first?.runs ?? [] }
    var summaries: [RunSummary] { runs.map(\.summary) }
    /// Policies in run order, then any with only a sustainable rate (sorted).
    var policies: [String] {
        var order = seedRuns.flatMap(\.runs).reduce(into: [String]()) { if !$0.contains($1.summary.labels.policy) { $0.append($1.summary.labels.policy) } }
        order += Set(seedRuns.flatMap(\.sustainable.keys)).subtracting(order).sorted()
        return order
    }
    var rates: [Double] { Array(Set(seedRuns.flatMap(\.runs).map(\.summary.labels.rate))).sorted() }

    func result(_ policy: String, _ rate: Double, seed index: Int = 0) -> SimulationResult? {
        guard seedRuns.indices.contains(index) else { return nil }
        return seedRuns[index].runs.first { $0.summary.labels.policy == policy && $0.summary.labels.rate == rate }
    }

    func summary(_ policy: String, _ rate: Double, seed index: Int = 0) -> RunSummary? { result(policy, rate, seed: index)?.summary }

    /// `figure` at every seed where it is defined, as a spread.
    func spread(_ figure: (Int) -> Double?) -> SeedSpread? { SeedSpread(seedRuns.indices.compactMap(figure)) }

    // MARK: Per-seed figures

    /// Goodput of `subject` ÷ goodput of `baseline` per rate at one seed (nil where the baseline's is 0).
    public func goodputRatios(over baseline: String, seed index: Int = 0) -> [(rate: Double, ratio: Double?)] {
        rates.map { rate in
            guard let mine = summary(subject, rate, seed: index), let theirs = summary(baseline, rate, seed: index), theirs.goodputPerSecond > 0 else {
                return (rate, nil)
            }
            return (rate, mine.goodputPerSecond / theirs.goodputPerSecond)
        }
    }

    /// Geometric mean of one seed's ratios over the rates where the baseline's goodput is above zero.
    public func geometricMeanRatio(over baseline: String, seed index: Int = 0) -> Double? {
        let ratios = goodputRatios(over: baseline, seed: index).compactMap(\.ratio).filter { $0 > 0 }
        guard !ratios.isEmpty else { return nil }
        return exp(ratios.map { log($0) }.reduce(0, +) / Double(ratios.count))
    }

    /// Mean TTFT reduction of `subject` against `baseline` at the `count` highest rates, one seed.
    public func ttftReduction(over baseline: String, highestRates count: Int = 2, seed index: Int = 0) -> Double? {
        let reductions = rates.suffix(count).compactMap { rate -> Double? in
            guard let mine = summary(subject, rate, seed: index), let theirs = summary(baseline, rate, seed: index), theirs.ttft.mean > 0 else {
                return nil
            }
            return 1 - mine.ttft.mean / theirs.ttft.mean
        }
        return reductions.isEmpty ? nil : reductions.reduce(0, +) / Double(reductions.count)
    }

    /// `subject`'s sustainable rate ÷ `baseline`'s at one seed (nil where the baseline sustains none).
    public func sustainableRatio(over baseline: String, seed index: Int) -> Double? {
        guard let mine = seedRuns[index].sustainable[subject], let theirs = seedRuns[index].sustainable[baseline], theirs.rate > 0 else {
            return nil
        }
        return mine.rate / theirs.rate
    }

    /// How much of `subject`'s sustainable-rate lead over its best baseline `variant` gives up at one
    /// seed: `(S_subject − S_variant) / (S_subject − max S_baseline)` (nil without a lead).
    public func shareOfLead(_ variant: String, seed index: Int) -> Double? {
        let found = seedRuns[index].sustainable
        guard let mine = found[subject]?.rate, let theirs = found[variant]?.rate else { return nil }
        let best = baselines.compactMap { found[$0]?.rate }.max() ?? 0
        guard mine > best else { return nil }
        return (mine - theirs) / (mine - best)
    }

    /// Attainment of `requestClass` under `policy` at `rate`, one seed (nil if none of the class arrived).
    public func classAttainment(_ policy: String, rate: Double, requestClass: String, seed index: Int) -> Double? {
        guard let tally = result(policy, rate, seed: index)?.classTallies.first(where: { $0.requestClass == requestClass }), tally.arrived > 0 else {
            return nil
        }
        return tally.attainment
    }

    // MARK: Over seeds

    public func sustainableRate(_ policy: String) -> SeedSpread? { spread { seedRuns[$0].sustainable[policy]?.rate } }
    public func kneeGoodput(_ policy: String) -> SeedSpread? { spread { seedRuns[$0].sustainable[policy]?.goodputAtKnee } }
    public func sustainableRatioSpread(over baseline: String) -> SeedSpread? { spread { sustainableRatio(over: baseline, seed: $0) } }
    public func geometricMeanRatioSpread(over baseline: String) -> SeedSpread? { spread { geometricMeanRatio(over: baseline, seed: $0) } }
    public func ttftReductionSpread(over baseline: String) -> SeedSpread? { spread { ttftReduction(over: baseline, seed: $0) } }
    public func shareOfLeadSpread(_ variant: String) -> SeedSpread? { spread { shareOfLead(variant, seed: $0) } }
    public func classAttainmentSpread(_ policy: String, rate: Double, requestClass: String) -> SeedSpread? {
        spread { classAttainment(policy, rate: rate, requestClass: requestClass, seed: $0) }
    }

    /// The classes in the runs, in `classOrder` first.
    var classes: [String] {
        let present = seedRuns.flatMap(\.runs).flatMap(\.classTallies).map(\.requestClass)
        var order = classOrder.filter(present.contains)
        for name in present where !order.contains(name) { order.append(name) }
        return order
    }

    var seedLabel: String {
        let seeds = seedRuns.map { String($0.seed) }
        return seeds.count == 1 ? "seed \(seeds[0])" : "\(seeds.count) seeds (\(seeds.joined(separator: ", ")))"
    }

    // MARK: Markdown

    public func markdown() -> String {
        var text = "# \(title)\n\n"
        text += "Headline figures are medians over \(seedLabel), with the range over seeds in parentheses; the run tables, "
            + "predictor accuracy, bursty runs and charts are seed \(seedRuns.first.map { String($0.seed) } ?? "–").\n\n"
        text += sustainableSection()
        text += gainsSection()
        text += classSection()
        text += ablationSection()
        text += "## Runs (seed \(seedRuns.first.map { String($0.seed) } ?? "–"))\n\n" + ReportFormat.markdownTable(summaries) + "\n"
        text += "## Sustained load on the rate grid (seed \(seedRuns.first.map { String($0.seed) } ?? "–"), ≥ 90% SLO attainment)\n\n"
            + SweepReport.capacityLines(summaries).map { "- \($0)" }.joined(separator: "\n") + "\n\n"
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

    /// The headline alone: sustainable rates, the subject's ratios, and (optionally) per-class attainment.
    public func headlineMarkdown(includesClasses: Bool = false) -> String {
        sustainableSection() + gainsSection() + (includesClasses ? classSection() : "")
    }

    private var searchedPolicies: [String] { policies.filter { policy in seedRuns.contains { $0.sustainable[policy] != nil } } }

    private func sustainableSection() -> String {
        let searched = searchedPolicies
        guard !searched.isEmpty else { return "" }
        var text = "## Sustainable rate (≥ 90% SLO attainment, bisection to 0.05 req/s)\n\n"
            + "| policy | sustainable rate (req/s) | goodput at the knee (req/s) | peak goodput on the grid (req/s) |\n|---|---|---|---|\n"
        for policy in searched {
            let bound = seedRuns.contains { $0.sustainable[policy]?.isLowerBound == true } ? " (≥: the grid's top rate)" : ""
            let peak = spread { index in seedRuns[index].runs.filter { $0.summary.labels.policy == policy }.map(\.summary.goodputPerSecond).max() }
            text += "| \(policy) | \(sustainableRate(policy).text())\(bound) | \(kneeGoodput(policy).text(decimals: 3)) | \(peak.text(decimals: 3)) |\n"
        }
        return text + "\n"
    }

    private func gainsSection() -> String {
        guard policies.contains(subject) else { return "" }
        let present = baselines.filter(policies.contains)
        var text = "## \(subject) against the baselines\n\n"
        if !searchedPolicies.isEmpty {
            text += "| baseline | sustainable-rate ratio | geometric-mean goodput ratio | mean TTFT reduction, two highest rates |\n|---|---|---|---|\n"
            for baseline in present {
                text += "| \(baseline) | \(sustainableRatioSpread(over: baseline).text(suffix: "×")) | "
                    + "\(geometricMeanRatioSpread(over: baseline).text(suffix: "×")) | "
                    + "\((ttftReductionSpread(over: baseline)?.scaled(by: 100)).text(decimals: 1, suffix: "%")) |\n"
            }
            text += "\n"
        }
        text += "Goodput ratio per rate (median over seeds):\n\n| rate | " + present.map { "× \($0)" }.joined(separator: " | ") + " |\n|---|"
            + present.map { _ in "---" }.joined(separator: "|") + "|\n"
        for rate in rates {
            let cells = present.map { baseline in
                spread { index in goodputRatios(over: baseline, seed: index).first { $0.rate == rate }?.ratio }.map { Format.number($0.median, decimals: 2) } ?? "–"
            }
            text += "| \(Format.number(rate)) | " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n"
        guard searchedPolicies.isEmpty else { return text }
        for baseline in present {
            let mean = geometricMeanRatioSpread(over: baseline).map { $0.text(suffix: "×") } ?? "n/a"
            let ttft = ttftReductionSpread(over: baseline).map { Format.number($0.median * 100, decimals: 1) + "%" } ?? "n/a"
            text += "- over \(baseline): geometric-mean goodput ratio \(mean); mean TTFT reduction at the two highest rates \(ttft)\n"
        }
        return text + "\n"
    }

    private func classSection() -> String {
        let classes = self.classes
        let shown = ([subject] + baselines).filter(policies.contains)
        guard !classes.isEmpty, !shown.isEmpty else { return "" }
        var text = "## Per-class SLO attainment (median over seeds)\n\n| policy | rate | " + classes.joined(separator: " | ") + " |\n|---|---|"
            + classes.map { _ in "---" }.joined(separator: "|") + "|\n"
        for policy in shown {
            for rate in rates {
                let cells = classes.map { name in
                    classAttainmentSpread(policy, rate: rate, requestClass: name).map { Format.number($0.median, decimals: 2) } ?? "–"
                }
                text += "| \(policy) | \(Format.number(rate)) | " + cells.joined(separator: " | ") + " |\n"
            }
        }
        return text + "\n"
    }

    private func ablationSection() -> String {
        let variants = searchedPolicies.filter { $0.hasPrefix(subject + "-") }
        guard !variants.isEmpty, sustainableRate(subject) != nil else { return "" }
        var text = "## What each AugServe component is worth (ablations)\n\n"
            + "Share of lead: how much of \(subject)'s sustainable-rate lead over the best baseline the variant gives up, "
            + "`(S_\(subject) − S_variant) / (S_\(subject) − max S_baseline)` per seed (negative: the variant does better).\n\n"
            + "| variant | sustainable rate (req/s) | goodput at the knee (req/s) | share of lead |\n|---|---|---|---|\n"
        for variant in variants {
            text += "| \(variant) | \(sustainableRate(variant).text()) | \(kneeGoodput(variant).text(decimals: 3)) | \(shareOfLeadSpread(variant).text()) |\n"
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

    /// The report's figures (first seed): goodput, mean and p95 TTFT, normalized latency and
    /// attainment against rate, and the token budget over time at one rate.
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
