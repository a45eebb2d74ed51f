@testable import Measurement
import Testing

@Suite struct SLOTests {
    let slo = Fixtures.slo

    /// Normalized latency = (finish − arrival − calls) / output tokens; the limit is 10 × 10 ms.
    @Test func bothObjectivesMustHold() {
        #expect(slo.maxNormalizedLatency == .milliseconds(100))
        #expect(slo.isMet(by: Fixtures.record(1, ttft: 0.5, finish: 2, output: 20)), "2 s / 20 tokens = 0.1 s: at the limit")
        #expect(slo.isMet(by: Fixtures.record(2, ttft: 1.0, finish: 2, output: 40)), "TTFT exactly 1 s")
        #expect(!slo.isMet(by: Fixtures.record(3, ttft: 1.5, finish: 2, output: 40)), "TTFT missed, latency fine")
        #expect(!slo.isMet(by: Fixtures.record(4, ttft: 0.5, finish: 2.2, output: 20)), "TTFT fine, 0.11 s/token")
        #expect(!slo.isMet(by: Fixtures.record(5, ttft: 3, finish: 30, output: 20)), "both missed")
    }

    @Test func callTimeIsExcluded() {
        let record = Fixtures.record(1, ttft: 0.5, finish: 12, output: 20, calls: 10)
        #expect(record.normalizedLatency == .milliseconds(100))
        #expect(record.endToEndLatency == .seconds(12))
        #expect(record.outputTokenCount == 20)
        #expect(slo.isMet(by: record))
    }

    @Test func unfinishedOrOutputlessRequestsAreMissed() {
        #expect(!slo.isMet(by: Fixtures.record(1, ttft: 0.5, finish: nil)), "unfinished")
        #expect(!slo.isMet(by: Fixtures.record(2, ttft: nil, finish: nil)), "never started")
        let empty = Fixtures.record(3, ttft: 0.1, finish: 0.2, output: 0)
        #expect(empty.normalizedLatency == nil && !slo.isMet(by: empty))
    }

    @Test(arguments: [
        (SLOConfig(maxTTFT: .zero, singleIterationTime: .milliseconds(10)), "maxTTFT", "0.0 seconds"),
        (SLOConfig(maxTTFT: .seconds(-1), singleIterationTime: .milliseconds(10)), "maxTTFT", "-1.0 seconds"),
        (SLOConfig(normalizedLatencyFactor: 0, singleIterationTime: .milliseconds(10)), "normalizedLatencyFactor", "0.0"),
        (SLOConfig(normalizedLatencyFactor: -2, singleIterationTime: .milliseconds(10)), "normalizedLatencyFactor", "-2.0"),
        (SLOConfig(normalizedLatencyFactor: .nan, singleIterationTime: .milliseconds(10)), "normalizedLatencyFactor", "nan"),
        (SLOConfig(singleIterationTime: .zero), "singleIterationTime", "0.0 seconds"),
        (SLOConfig(singleIterationTime: .milliseconds(-3)), "singleIterationTime", "-0.003 seconds"),
    ])
    func invalidConfigurationNamesTheField(config: SLOConfig, field: String, value: String) {
        #expect(throws: MeasurementError.invalidSLO(field: field, value: value)) { try config.validate() }
        #expect(MeasurementError.invalidSLO(field: field, value: value).description == "invalid SLO \(field) = \(value): must be a positive number")
    }

    @Test func limitNeverTraps() {
        #expect(SLOConfig(normalizedLatencyFactor: .nan, singleIterationTime: .milliseconds(10)).maxNormalizedLatency == .zero)
        #expect(SLOConfig(normalizedLatencyFactor: -1, singleIterationTime: .milliseconds(10)).maxNormalizedLatency == .zero)
        #expect(SLOConfig(normalizedLatencyFactor: .infinity, singleIterationTime: .milliseconds(10)).maxNormalizedLatency == .seconds(1e12))
        #expect(!SLOConfig(normalizedLatencyFactor: .nan, singleIterationTime: .milliseconds(10)).isMet(by: Fixtures.record(1)))
    }

    @Test func defaultsAreThePapers() throws {
        let slo = SLOConfig(singleIterationTime: .milliseconds(12))
        try slo.validate()
        #expect(slo.maxTTFT == .seconds(1) && slo.normalizedLatencyFactor == 10)
        #expect(slo.description == "TTFT ≤ 1 s, normalized latency ≤ 0.12 s/token")
    }
}
