import Measurement
import Testing
import Workloads
@testable import LoadGenerator

/// Client-side metrics on hand-built timelines with known answers.
struct MetricTests {
    static func record(
        arrival: Double = 0, first: Double? = 0.5, finish: Double? = 2.5, generated: Int = 5, returned: Int = 0,
        calls: Double = 0, callsBefore: Double = 0, failure: String? = nil, type: String = "math"
    ) -> ClientRecord {
        var record = ClientRecord(index: 0, type: type, arrival: .seconds(arrival), promptTokens: 10)
        record.firstTokenAt = first.map { .seconds($0) }
        record.finishedAt = finish.map { .seconds($0) }
        record.generatedTokens = generated
        record.returnedTokens = returned
        record.callTime = .seconds(calls)
        record.callTimeBeforeFirstToken = .seconds(callsBefore)
        record.failure = failure
        return record
    }

    @Test func ttftCountsFromTheScheduledArrival() {
        let record = Self.record(arrival: 1.0, first: 1.75)
        #expect(record.ttft == .milliseconds(750))
    }

    @Test func tpotRemovesCallsAfterTheFirstToken() {
        // 5 tokens: first at 0.5 s, last at 2.5 s, 1 s of calls in between → (2 − 1) / 4 = 0.25 s.
        #expect(Self.record(calls: 1).timePerOutputToken == .milliseconds(250))
        // A call before the first token does not count against TPOT.
        #expect(Self.record(calls: 1, callsBefore: 1).timePerOutputToken == .milliseconds(500))
    }

    @Test func oneTokenOutputsHaveNoTPOTAndMeetAnyTPOTThreshold() throws {
        let single = Self.record(first: 0.5, finish: 0.5, generated: 1)
        #expect(single.timePerOutputToken == nil)
        let goodput = try VLLMGoodput(parsing: ["tpot:1", "ttft:600"])
        #expect(goodput.isMet(by: single))
        #expect(!goodput.isMet(by: Self.record(generated: 5)))  // 0.5 s per token > 1 ms
        #expect(!goodput.isMet(by: Self.record(first: 0.7, finish: 0.7, generated: 1)))  // TTFT 700 ms > 600 ms
    }

    @Test func normalizedLatencyRemovesCallsAndCountsReturnedTokens() {
        // e2e 2.5 s − 0.5 s of calls = 2 s over 5 generated + 3 returned tokens.
        let record = Self.record(generated: 5, returned: 3, calls: 0.5).requestRecord
        #expect(record.normalizedLatency == .milliseconds(250))
    }

    @Test func unfinishedAndFailedRequestsAreMissed() {
        let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 1, singleIterationTime: .seconds(1))
        let records = [
            Self.record(),  // good: TTFT 0.5 s, normalized latency 0.5 s/token
            Self.record(first: 0.2, finish: nil),  // never finished
            Self.record(failure: "HTTP 500: boom"),  // finished on the wire, but failed
            Self.record(first: nil, finish: nil),  // never started
            Self.record(first: 1.5),  // TTFT too long
        ]
        let labels = RunLabels(policy: "p", preset: "live", workload: "w", rate: 1, seed: 1, window: .seconds(10))
        let run = BenchRun(records: records, labels: labels, slo: slo, goodput: VLLMGoodput(ttft: .seconds(1)))
        #expect(run.summary.arrived == 5)
        #expect(run.summary.good == 1)
        #expect(run.summary.attainment == 0.2)
        #expect(run.summary.goodputPerSecond == 0.1)
        #expect(run.vllmGood == 1)
        #expect(run.failures.map(\.reason) == ["HTTP 500: boom"])
        #expect(run.perClass.first?.arrived == 5 && run.perClass.first?.good == 1)
    }

    @Test func perClassAttainment() {
        let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 1, singleIterationTime: .seconds(1))
        let records = [Self.record(type: "qa"), Self.record(first: 2, type: "qa"), Self.record(type: "tts")]
        let run = BenchRun(records: records, labels: RunLabels(policy: "p", preset: "l", workload: "w", rate: 1, seed: 1, window: .seconds(1)), slo: slo, goodput: VLLMGoodput())
        #expect(run.attainment(of: "qa") == 0.5)
        #expect(run.attainment(of: "tts") == 1)
        #expect(run.vllmGood == nil)
    }

    @Test func goodputThresholdsAreParsedOrRefused() throws {
        let parsed = try VLLMGoodput(parsing: ["ttft:500", "tpot:50", "e2el:10000"])
        #expect(parsed == VLLMGoodput(ttft: .milliseconds(500), tpot: .milliseconds(50), e2el: .seconds(10)))
        for bad in ["ttft", "ttft:-1", "speed:5", "tpot:abc", "e2el:1e300"] {
            #expect(throws: BenchError.self) { try VLLMGoodput(parsing: [bad]) }
        }
    }

    @Test func scalingShrinksEveryCountAndKeepsTheContextLimit() {
        let trace = TraceRequest(
            key: "k", type: "math", promptTokenCount: 1000,
            segments: [TraceSegment(decodeTokenCount: 40, call: TraceCall(kind: .calculator, duration: .seconds(10), returnedTokenCount: 20)), TraceSegment(decodeTokenCount: 30)],
            contextLimit: 2048)
        let scaled = WorkloadScale(tokens: 0.1, callDuration: 0.5, contextLimit: 2048).apply(trace)
        #expect(scaled.promptTokenCount == 100)
        #expect(scaled.segments.map(\.decodeTokenCount) == [4, 3])
        #expect(scaled.segments[0].call?.returnedTokenCount == 2)
        #expect(scaled.segments[0].call?.duration == .seconds(5))
        let tight = WorkloadScale(tokens: 1, callDuration: 1, contextLimit: 1050).apply(trace)
        #expect(tight.promptTokenCount + tight.decodeTokenCount + tight.returnedTokenCount < 1050)
    }

    @Test func plansAreDeterministicForASeed() throws {
        var plan = BenchPlan()
        plan.scale = WorkloadScale(tokens: 0.1, callDuration: 0.1)
        plan.window = .seconds(30)
        let workload = try plan.workload()
        let first = try plan.arrivals(rate: 2, workload: workload)
        let second = try plan.arrivals(rate: 2, workload: workload)
        #expect(first == second)
        plan.seed = 2
        #expect(try plan.arrivals(rate: 2, workload: workload) != first)
        let filler = FillerText(words: [" a", " b", " c"])
        #expect(filler.text(tokens: 50, key: 7) == filler.text(tokens: 50, key: 7))
        #expect(filler.text(tokens: 50, key: 7) != filler.text(tokens: 50, key: 8))
    }
}

struct SLODerivationTests {
    static func sample(_ index: Int, sent: Double, first: Double, finish: Double, output: Int, calls: Double = 0) -> ClientRecord {
        var record = ClientRecord(index: index, type: "math", arrival: .zero, promptTokens: 10)
        record.sentAt = .seconds(sent)
        record.firstTokenAt = .seconds(first)
        record.finishedAt = .seconds(finish)
        record.generatedTokens = output
        record.callTime = .seconds(calls)
        return record
    }

    @Test func theFastestRepetitionOfTheWorstRequestTimesTheMargin() throws {
        let samples = [
            // Request 0, three repetitions: TTFT 0.3, 0.1 (fastest), 0.2.
            Self.sample(0, sent: 0, first: 0.3, finish: 1.4, output: 4), Self.sample(0, sent: 2, first: 2.1, finish: 3.0, output: 4, calls: 0.1),
            Self.sample(0, sent: 4, first: 4.2, finish: 5.0, output: 4, calls: 0.2),
            // Request 1: TTFT 0.05 at best, normalized 0.1 at best.
            Self.sample(1, sent: 6, first: 6.05, finish: 6.5, output: 5), Self.sample(1, sent: 7, first: 7.5, finish: 8.0, output: 5),
        ]
        let derivation = SLODerivation(samples: samples, margin: 5)
        #expect(abs(derivation.worstTTFT - 0.1) < 1e-9)
        // Request 0: 1.4/4 = 0.35, (1.0 − 0.1)/4 = 0.225, (1.0 − 0.2)/4 = 0.2 → 0.2; request 1: 0.1 → worst 0.2.
        #expect(abs(derivation.worstNormalizedLatency - 0.2) < 1e-9)
        let slo = try derivation.slo()
        #expect(abs(slo.maxTTFT.secondsValue - 0.5) < 1e-9)
        #expect(abs(slo.maxNormalizedLatency.secondsValue - 1.0) < 1e-9)
        #expect(derivation.explanation.contains("2 requests of the scaled workload, each sent 2 times"))
    }

    @Test func anEmptySampleIsAnError() {
        var failed = Self.sample(0, sent: 0, first: 0.1, finish: 0.2, output: 1)
        failed.failure = "HTTP 503: busy"
        #expect(throws: BenchError.self) { try SLODerivation(samples: [failed]).slo() }
    }
}

struct ReportDeterminismTests {
    @Test func theSameRunGivesTheSameBytes() {
        let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 1, singleIterationTime: .seconds(1))
        var records: [ClientRecord] = []
        for index in 0..<40 {
            var record = MetricTests.record(arrival: Double(index) * 0.1, first: Double(index) * 0.1 + 0.05 * Double(index % 7), finish: Double(index) * 0.1 + 2,
                                            generated: 3 + index % 5, returned: index % 3, calls: 0.1 * Double(index % 4),
                                            failure: index % 9 == 0 ? ["HTTP 503: busy", "not finished within the drain limit"][index % 2] : nil,
                                            type: ["math", "qa", "tts", "image"][index % 4])
            record.index = index
            record.interTokenGaps = [0.01 * Double(index % 3 + 1), 0.02]
            records.append(record)
        }
        let labels = RunLabels(policy: "augserve", preset: "live-augserve", workload: "infercept", rate: 2, seed: 1, window: .seconds(20))
        let goodput = VLLMGoodput(ttft: .milliseconds(500))
        let first = BenchRun(records: records, labels: labels, slo: slo, goodput: goodput)
        let shuffled = BenchRun(records: records.reversed(), labels: labels, slo: slo, goodput: goodput)
        let a = BenchReport.markdown(title: "t", configuration: ["seed 1"], runs: [first])
        let b = BenchReport.markdown(title: "t", configuration: ["seed 1"], runs: [shuffled])
        #expect(a == b)
        #expect(ReportFormat.csv([first.summary]) == ReportFormat.csv([shuffled.summary]))
        #expect(a.contains("| augserve | 2 | TTFT (s) |"))
        #expect(a.contains("HTTP 503: busy") && a.contains("not finished within the drain limit"))
    }
}
