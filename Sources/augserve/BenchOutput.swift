import Foundation
import LoadGenerator
import Measurement

/// Prints a bench's results and writes its report files.
enum BenchOutput {
    static func configurationLines(_ settings: BenchCommand.Settings, slo: SLOConfig, extra: [String]) -> [String] {
        let plan = settings.plan
        return extra + [
            "cpu: \(CPUDescription.current)",
            "target: \(settings.target.rawValue) (\(settings.target == .augserve ? "calls played by the server: trace-replay extension" : "calls played by the client as tool round trips"))",
            "workload: \(plan.source.rawValue), \(plan.scale)",
            "arrivals: \(plan.burstiness.map { "Gamma, CV \($0)" } ?? "Poisson") over \(plan.window) per rate, seed \(plan.seed); at most \(settings.concurrency) in flight; drain limit \(settings.drainLimit)",
            "SLO: TTFT ≤ \(Format.number(slo.maxTTFT.secondsValue, decimals: 4)) s and normalized latency ≤ \(Format.number(slo.maxNormalizedLatency.secondsValue, decimals: 4)) s/token (calls removed, generated + returned tokens)",
        ] + (settings.goodput.isEmpty ? [] : ["vllm-style goodput: \(settings.goodput)"])
    }

    static func write(_ runs: [BenchRun], title: String, configuration: [String], settings: BenchCommand.Settings, charts: Bool, sections: String = "") throws {
        print(ReportFormat.markdownTable(runs.map(\.summary)), terminator: "")
        for run in runs {
            let labels = run.summary.labels
            func f(_ v: Double) -> String { String(format: "%.3f", v) }
            print("\(labels.policy) @ \(labels.rate): TTFT p50/p99 \(f(run.ttft.percentile(50)))/\(f(run.ttft.percentile(99))) s, ITL mean \(f(run.interTokenLatency.mean * 1000)) ms, TPOT mean \(f(run.timePerOutputToken.mean * 1000)) ms, failed \(run.failures.reduce(0) { $0 + $1.count })"
                + (run.vllmGood.map { ", vllm-goodput \(f(Double($0) / labels.window.secondsValue)) req/s" } ?? ""))
        }
        guard let out = settings.out else { return }
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var report = BenchReport.markdown(title: title, configuration: configuration, runs: runs) + sections
            if charts {
                for chart in Self.charts(runs) {
                    try chart.svg.write(to: directory.appendingPathComponent(chart.file), atomically: true, encoding: .utf8)
                    report += "\n![\(chart.title)](\(chart.file))\n"
                }
            }
            try report.write(to: directory.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
            try ReportFormat.csv(runs.map(\.summary)).write(to: directory.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
            let json = ReportFormat.json(configuration: .object(configuration.enumerated().map { ("line\($0.offset)", .string($0.element)) }), runs: runs.map(\.summary))
            try json.write(to: directory.appendingPathComponent("runs.json"), atomically: true, encoding: .utf8)
            var records = ""
            for (index, run) in runs.enumerated() {
                let csv = ReportFormat.recordsCSV(run.records.map(\.requestRecord), run: run.summary.labels, slo: run.summary.slo)
                records += index == 0 ? csv : csv.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
            }
            try records.write(to: directory.appendingPathComponent("records.csv"), atomically: true, encoding: .utf8)
        } catch {
            throw BenchFileError(path: out, detail: "\(error)")
        }
        FileHandle.standardError.write(Data("bench: wrote \(out)/report.md, runs.csv, runs.json, records.csv\n".utf8))
    }

    struct BenchFileError: Error, CustomStringConvertible {
        var path: String
        var detail: String
        var description: String { "cannot write the report to \(path): \(detail)" }
    }

    static func charts(_ runs: [BenchRun]) -> [(file: String, title: String, svg: String)] {
        let policies = runs.map(\.summary.labels.policy).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func series(_ value: (BenchRun) -> Double) -> [SVGLineChart.Series] {
            policies.map { policy in
                SVGLineChart.Series(name: policy, points: runs.filter { $0.summary.labels.policy == policy }.map { ($0.summary.labels.rate, value($0)) })
            }
        }
        let specs: [(String, String, String, (BenchRun) -> Double)] = [
            ("goodput.svg", "Goodput", "good requests / s", { $0.summary.goodputPerSecond }),
            ("attainment.svg", "SLO attainment", "share of requests", { $0.summary.attainment }),
            ("ttft_mean.svg", "Mean TTFT", "seconds", { $0.ttft.mean }),
            ("normlat_mean.svg", "Mean normalized latency", "seconds / token", { $0.normalizedLatency.mean }),
        ]
        return specs.map { file, title, unit, value in
            (file, title, SVGLineChart(title: title, xLabel: "request rate (req/s)", yLabel: unit, series: series(value)).render())
        }
    }
}
