@testable import Measurement

/// Hand-made records and labels shared by the suites.
enum Fixtures {
    /// 10 ms single iteration ⇒ normalized-latency limit 0.1 s/token; TTFT limit 1 s.
    static let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 10, singleIterationTime: .milliseconds(10))
    static let labels = RunLabels(policy: "vllm", preset: "gptj-6b-a100", workload: "infercept", rate: 1.5, seed: 3, window: .seconds(10))

    /// A record arriving at `arrival` s whose first token comes `ttft` s later and which finishes
    /// `finish` s after arrival (nil: never), with `output` output tokens (half generated, half
    /// returned) and `calls` seconds of calls.
    static func record(
        _ id: UInt64, arrival: Double = 0, ttft: Double? = 0.5, finish: Double? = 2, output: Int = 20, calls: Double = 0,
        queue: Double = 0.1
    ) -> RequestRecord {
        RequestRecord(
            requestID: id, type: "math", arrival: .seconds(arrival), firstTokenAt: ttft.map { .seconds(arrival + $0) },
            finishedAt: finish.map { .seconds(arrival + $0) }, promptTokenCount: 10, generatedTokenCount: output / 2,
            returnedTokenCount: output - output / 2, callCount: calls > 0 ? 1 : 0, totalCallDuration: .seconds(calls),
            queueingDelay: .seconds(queue), preemptionCount: 1, recomputedTokenCount: 5, swappedBytes: 1000)
    }
}
