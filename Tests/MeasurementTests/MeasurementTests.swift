import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Measurement
import Testing

@Suite struct MeasurementTests {
    static let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 10, singleIterationTime: .milliseconds(10))

    static func record(_ id: UInt64, arrival: Double = 0, ttft: Double? = 0.5, finish: Double? = 2, output: Int = 20, calls: Double = 0) -> RequestRecord {
        RequestRecord(
            requestID: id, type: "t", arrival: .seconds(arrival), firstTokenAt: ttft.map { .seconds(arrival + $0) },
            finishedAt: finish.map { .seconds(arrival + $0) }, promptTokenCount: 10, generatedTokenCount: output / 2,
            returnedTokenCount: output - output / 2, callCount: calls > 0 ? 1 : 0, totalCallDuration: .seconds(calls),
            queueingDelay: .milliseconds(100), preemptionCount: 1, recomputedTokenCount: 5, swappedBytes: 1000)
    }

    @Test func percentilesInterpolateBetweenRanks() {
        let stats = SampleStatistics([4, 1, 3, 2, 5])
        #expect(stats.percentile(50) == 3)
        #expect(stats.percentile(0) == 1 && stats.percentile(100) == 5)
        #expect(stats.percentile(95) == 4.8)
        #expect(stats.mean == 3 && stats.maximum == 5)
        let empty = SampleStatistics([Double]())
        #expect(empty.percentile(99) == 0 && empty.mean == 0)
        #expect(SampleStatistics([7]).percentile(50) == 7)
    }

    /// Normalized latency = (finish − arrival − calls) / output tokens; limit 10 × 10 ms = 0.1 s.
    @Test func sloNeedsBothObjectives() {
        #expect(Self.slo.isMet(by: Self.record(1, ttft: 0.5, finish: 2, output: 20)))  // 2 s / 20 = 0.1
        #expect(!Self.slo.isMet(by: Self.record(2, ttft: 1.5, finish: 2, output: 40)), "TTFT missed")
        #expect(!Self.slo.isMet(by: Self.record(3, ttft: 0.5, finish: 2.2, output: 20)), "0.11 s/token")
        #expect(Self.slo.isMet(by: Self.record(4, ttft: 0.5, finish: 12, output: 20, calls: 10)), "call time excluded")
        #expect(!Self.slo.isMet(by: Self.record(5, ttft: 0.5, finish: nil)), "unfinished")
        #expect(Self.record(4, ttft: 0.5, finish: 12, output: 20, calls: 10).normalizedLatency == .milliseconds(100))
    }

    @Test func summaryArithmetic() {
        let records = [
            Self.record(1), Self.record(2, ttft: 3), Self.record(3, finish: nil), Self.record(4, arrival: 5, ttft: nil, finish: nil),
        ]
        let labels = RunLabels(policy: "p", preset: "h", workload: "w", rate: 2, seed: 1, window: .seconds(10))
        let summary = RunSummary(records: records, labels: labels, slo: Self.slo, endTime: .seconds(20))
        #expect(summary.arrived == 4 && summary.completed == 2 && summary.good == 1)
        #expect(summary.goodputPerSecond == 0.1 && summary.attainment == 0.25 && summary.completedPerSecond == 0.2)
        // TTFTs: 0.5, 3, 0.5 and the never-served request's 15 s wait until the end of the run.
        #expect(summary.ttft.maximum == 15 && summary.ttft.count == 4)
        #expect(summary.preemptions == 4 && summary.recomputedTokens == 20 && summary.swappedBytes == 4000)
        let zero = RunSummary(records: [], labels: labels, slo: Self.slo)
        #expect(zero.attainment == 0 && zero.goodputPerSecond == 0 && zero.ttft.mean == 0)
        #expect(!ReportFormat.json(configuration: .null, runs: [zero]).contains("nan"))
    }

    @Test func reportsUseStableColumnsAndDeterministicText() throws {
        let labels = RunLabels(policy: "vllm", preset: "h", workload: "w", rate: 1.5, seed: 3, window: .seconds(60))
        let run = RunSummary(records: [Self.record(1), Self.record(2)], labels: labels, slo: Self.slo, extras: [("kv_util_mean", 0.25)])
        let csv = ReportFormat.csv([run, run])
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(RunSummary.stableColumns.joined(separator: ",")))
        #expect(lines[0].hasSuffix("kv_util_mean"))
        #expect(lines[1].hasPrefix("vllm,h,w,1.5,3,60,2,2,2,0.033333,"))
        let json = ReportFormat.json(configuration: .object([("seed", .integer(3))]), runs: [run])
        #expect(json == ReportFormat.json(configuration: .object([("seed", .integer(3))]), runs: [run]))
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = (parsed?["runs"] as? [[String: Any]])?.first
        #expect(first?["goodput_rps"] as? Double == 2.0 / 60.0 || (first?["goodput_rps"] as? Double).map { abs($0 - 0.033333) < 1e-6 } == true)
        #expect(ReportFormat.markdownTable([run]).contains("| vllm | 1.5 |"))
        #expect(JSONValue.string("a\"b\n").rendered() == "\"a\\\"b\\n\"\n")
        #expect(Format.number(0.1 + 0.2) == "0.3" && Format.number(-0.0000001) == "0" && Format.number(.nan) == "0")
    }

    @Test func svgChartIsWellFormedAndLabelled() throws {
        let chart = SVGLineChart(
            title: "goodput <vs> rate", xLabel: "rate (req/s)", yLabel: "goodput",
            series: [.init(name: "vllm", points: [(1, 0.9), (2, 1.1), (3, 0.4)]), .init(name: "augserve", points: [(1, 1), (2, 2), (3, 2.9)])])
        let svg = chart.render()
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.contains("vllm") && svg.contains("augserve") && svg.contains("&lt;vs&gt;"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(SVGLineChart.ticks(low: 0, high: 3.7) == [0, 1, 2, 3, 4])
        let empty = SVGLineChart(title: "t", xLabel: "x", yLabel: "y", series: []).render()
        #expect(XMLParser(data: Data(empty.utf8)).parse())
    }

    @Test func invalidSLOConfigNamesTheField() {
        #expect(throws: MeasurementError.invalidSLO(field: "maxTTFT", value: "0.0 seconds")) {
            try SLOConfig(maxTTFT: .zero, singleIterationTime: .milliseconds(10)).validate()
        }
        #expect(throws: MeasurementError.self) { try SLOConfig(normalizedLatencyFactor: -1, singleIterationTime: .milliseconds(10)).validate() }
        #expect(throws: MeasurementError.self) { try SLOConfig(singleIterationTime: .zero).validate() }
    }

    @Test func timeSeriesDownsamplesByAveraging() {
        let series = TimeSeries(name: "kv", unit: "fraction", points: (0..<10).map { .init(time: Double($0), value: Double($0)) })
        let small = series.downsampled(to: 5)
        #expect(small.points.map(\.value) == [0.5, 2.5, 4.5, 6.5, 8.5])
        #expect(series.downsampled(to: 20) == series)
    }
}
