import Foundation
@testable import Measurement
import Testing

@Suite struct RunSummaryTests {
    /// Four arrivals in a 10 s window: one good, one late first token, one unfinished, one never served.
    static let records = [
        Fixtures.record(1, queue: 0.2),
        Fixtures.record(2, ttft: 3, queue: 2.5),
        Fixtures.record(3, finish: nil, queue: 0.1),
        Fixtures.record(4, arrival: 5, ttft: nil, finish: nil, queue: 15),
    ]

    @Test func goodputAndAttainmentArithmetic() {
        let summary = RunSummary(records: Self.records, labels: Fixtures.labels, slo: Fixtures.slo, endTime: .seconds(20))
        #expect(summary.arrived == 4 && summary.completed == 2 && summary.good == 1)
        #expect(summary.goodputPerSecond == 0.1, "1 good / 10 s window")
        #expect(summary.completedPerSecond == 0.2)
        #expect(summary.attainment == 0.25, "1 good / 4 arrived")
        #expect(summary.preemptions == 4 && summary.recomputedTokens == 20 && summary.swappedBytes == 4000)
    }

    /// TTFT covers the three requests with a first token; the never-served one is counted apart
    /// with its wait until the end of the run (20 − 5 s).
    @Test func ttftCoversRequestsWithAFirstToken() {
        let summary = RunSummary(records: Self.records, labels: Fixtures.labels, slo: Fixtures.slo, endTime: .seconds(20))
        #expect(summary.ttft.sortedValues == [0.5, 0.5, 3])
        #expect(abs(summary.ttft.mean - 4.0 / 3) < 1e-12 && summary.ttft.maximum == 3)
        #expect(summary.unservedCount == 1 && summary.longestUnservedWait == .seconds(15))
        #expect(summary.normalizedLatency.count == 2 && summary.endToEnd.sortedValues == [2, 2])
        #expect(summary.queueing.count == 4 && abs(summary.queueing.mean - 4.45) < 1e-12)
        #expect(summary.value("unserved") == .integer(1) && summary.value("unserved_wait_max_s") == .number(15))
        let defaultEnd = RunSummary(records: Self.records, labels: Fixtures.labels, slo: Fixtures.slo)
        #expect(defaultEnd.longestUnservedWait == .seconds(5), "until the window's end when nothing finished later")
    }

    @Test func zeroRequestsGiveZerosNotNaN() throws {
        let zero = RunSummary(records: [], labels: Fixtures.labels, slo: Fixtures.slo)
        #expect(zero.arrived == 0 && zero.attainment == 0 && zero.goodputPerSecond == 0 && zero.ttft.mean == 0)
        for column in zero.columns {
            if let number = column.value.doubleValue { #expect(number.isFinite, "\(column.name)") }
        }
        var zeroWindow = Fixtures.labels
        zeroWindow.window = .zero
        let noWindow = RunSummary(records: Self.records, labels: zeroWindow, slo: Fixtures.slo)
        #expect(noWindow.goodputPerSecond == 0 && noWindow.completedPerSecond == 0)
        let text = ReportFormat.json(configuration: .object([]), runs: [zero, noWindow])
        #expect(!text.lowercased().contains("nan") && !text.contains("null"))
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test func extrasKeepOrderAndNeverShadowAColumn() {
        let summary = RunSummary(
            records: Self.records, labels: Fixtures.labels, slo: Fixtures.slo,
            extras: [("kv_util_mean", 0.25), ("good", 7), ("budget_mean", .nan), ("kv_util_mean", 0.5)])
        #expect(summary.extras.map(\.name) == ["kv_util_mean", "good_2", "budget_mean", "kv_util_mean_2"])
        #expect(summary.extras.map(\.value) == [0.25, 7, 0, 0.5])
        #expect(summary.value("good") == .integer(1))
        #expect(summary.columns.map(\.name) == RunSummary.standardColumns + summary.extras.map(\.name))
    }

    @Test func codableRoundTrip() throws {
        let summary = RunSummary(records: Self.records, labels: Fixtures.labels, slo: Fixtures.slo, endTime: .seconds(20), extras: [("x", 1.5)])
        let decoded = try JSONDecoder().decode(RunSummary.self, from: try JSONEncoder().encode(summary))
        #expect(decoded == summary)
        let record = Self.records[3]
        #expect(try JSONDecoder().decode(RequestRecord.self, from: try JSONEncoder().encode(record)) == record)
    }
}
