import Foundation
@testable import Measurement
import Testing

@Suite struct ReportFormatTests {
    static let stableHeader =
        "policy,preset,workload,rate,seed,window_s,arrived,completed,good,goodput_rps,completed_rps,attainment,ttft_mean_s,"
        + "ttft_p50_s,ttft_p95_s,ttft_p99_s,normlat_mean_s,normlat_p50_s,normlat_p95_s,queue_mean_s,preemptions,recomputed_tokens,swapped_bytes"

    static func run(policy: String = "vllm", rate: Double = 1.5, extras: [(String, Double)] = [("kv_util_mean", 0.25)]) -> RunSummary {
        var labels = Fixtures.labels
        labels.policy = policy
        labels.rate = rate
        labels.window = .seconds(60)
        return RunSummary(records: [Fixtures.record(1), Fixtures.record(2)], labels: labels, slo: Fixtures.slo, extras: extras)
    }

    @Test func csvHeaderIsTheStableNamesInOrderThenFurtherThenExtras() {
        let csv = ReportFormat.csv([Self.run(), Self.run(policy: "infercept", extras: [("budget_mean", 384), ("kv_util_mean", 0.5)])])
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty, "header, two rows, final newline")
        #expect(lines[0] == Self.stableHeader + "," + RunSummary.furtherColumns.joined(separator: ",") + ",kv_util_mean,budget_mean")
        #expect(RunSummary.stableColumns.joined(separator: ",") == Self.stableHeader)
        #expect(lines[1].hasPrefix("vllm,gptj-6b-a100,infercept,1.5,3,60,2,2,2,0.033333,0.033333,1,0.5,0.5,0.5,0.5,0.1,0.1,0.1,0.1,2,10,2000,"))
        #expect(lines[1].hasSuffix(",0.25,"), "no budget_mean in the first run: empty cell")
        #expect(lines[2].hasSuffix(",0.5,384"))
        #expect(ReportFormat.csv([]) == RunSummary.standardColumns.joined(separator: ",") + "\n")
    }

    @Test func csvQuotesFieldsThatNeedIt() {
        #expect(ReportFormat.csvField("a,b") == "\"a,b\"" && ReportFormat.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportFormat.csvField("plain") == "plain")
        let csv = ReportFormat.csv([Self.run(policy: "augserve,beta=2")])
        #expect(csv.split(separator: "\n")[1].hasPrefix("\"augserve,beta=2\","))
    }

    @Test func numbersAreLocaleIndependentAndTrimmed() {
        #expect(Format.number(0.1 + 0.2) == "0.3" && Format.number(2) == "2" && Format.number(1234567.125) == "1234567.125")
        #expect(Format.number(-0.0000001) == "0" && Format.number(.nan) == "0" && Format.number(-.infinity) == "0")
        #expect(Format.number(2.0 / 3) == "0.666667" && Format.number(-1.5) == "-1.5" && Format.number(1e15) == "1000000000000000")
        #expect(Format.seconds(0.12345) == "0.123" && Format.number(5, decimals: -3) == "5")
    }

    @Test func jsonIsValidSortedAndIdenticalAcrossRenders() throws {
        struct Configuration: Encodable { var seed: UInt64 = 3; var policies = ["vllm", "augserve"]; var window_s = 60.0 }
        let series = [TimeSeries(name: "kv", unit: "fraction", points: [.init(time: 0, value: 0.5), .init(time: 1, value: .nan)])]
        let first = try ReportFormat.json(configuration: Configuration(), runs: [Self.run(), Self.run(rate: 2)], series: series)
        let second = try ReportFormat.json(configuration: Configuration(), runs: [Self.run(), Self.run(rate: 2)], series: series)
        #expect(first == second)
        let object = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
        #expect(object.keys.sorted() == ["configuration", "runs", "series"])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.count == 2 && runs[1]["rate"] as? Double == 2 && runs[0]["policy"] as? String == "vllm")
        #expect(Set(RunSummary.stableColumns).isSubset(of: Set(runs[0].keys)))
        #expect(runs[0]["goodput_rps"] as? Double == 2.0 / 60)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasSuffix("}\n") && !text.contains("nan"))
        let keys = text.split(separator: "\n").compactMap { line in line.split(separator: "\"").dropFirst().first }
        #expect(text.contains("\"attainment\" : 1,\n") && keys.contains("ttft_p99_s"))
        let runsText = text.components(separatedBy: "\"runs\"")[1]
        let attainment = runsText.range(of: "\"attainment\""), policy = runsText.range(of: "\"policy\"")
        #expect(attainment.map { a in policy.map { a.lowerBound < $0.lowerBound } ?? false } == true, "keys sorted")
    }

    @Test func jsonValueConfigurationGivesTheSameBytes() throws {
        let configuration = JSONValue.object([("seed", .integer(3)), ("name", .string("a\"b")), ("x", .number(.infinity)), ("on", .bool(true))])
        let text = ReportFormat.json(configuration: configuration, runs: [Self.run()])
        let data: Data = try ReportFormat.json(configuration: configuration, runs: [Self.run()], series: [])
        #expect(text == String(decoding: data, as: UTF8.self))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let parsed = object?["configuration"] as? [String: Any]
        #expect(parsed?["name"] as? String == "a\"b" && parsed?["x"] is NSNull && parsed?["seed"] as? Int == 3)
        #expect(JSONValue.string("a\"b\n").rendered() == "\"a\\\"b\\n\"\n")
    }

    @Test func unencodableConfigurationThrows() {
        struct Failing: Encodable {
            struct Refusal: Error {}
            func encode(to encoder: any Encoder) throws { throw Refusal() }
        }
        #expect(throws: MeasurementError.self) { try ReportFormat.json(configuration: Failing(), runs: []) }
    }

    @Test func markdownTableHasOneRowPerRun() {
        let table = ReportFormat.markdownTable([Self.run(), Self.run(policy: "a|b", rate: 2)])
        let lines = table.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("| policy | rate | arrived | done | good | goodput/s |"))
        #expect(lines[2].hasPrefix("| vllm | 1.5 | 2 | 2 | 2 | 0.033 | 1 | 0.5 | 0.5 |"))
        #expect(lines[3].hasPrefix("| a\\|b | 2 |"))
        #expect(ReportFormat.markdownTable([]).split(separator: "\n").count == 2)
    }

    @Test func recordsCSVHasOneRowPerRecord() {
        let csv = ReportFormat.recordsCSV([Fixtures.record(1), Fixtures.record(2, ttft: nil, finish: nil)], run: Fixtures.labels, slo: Fixtures.slo)
        let lines = csv.split(separator: "\n")
        #expect(lines[0] == ReportFormat.recordColumns.joined(separator: ",")[...])
        #expect(lines[1] == "vllm,1.5,1,math,0,0.5,2,2,0.1,10,10,10,0,0,0.1,1,5,1000,1")
        #expect(lines[2] == "vllm,1.5,2,math,0,,,,,10,10,10,0,0,0.1,1,5,1000,0")
    }
}
