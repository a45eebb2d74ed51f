import Measurement
import ServingCore
@testable import Simulation
import Testing
import Workloads

/// The figures the reports are built from, on hand-built run summaries with known answers:
/// goodput ratios and their geometric mean, TTFT reductions, sustained and saturation rates,
/// peak goodput. Also the ablation switches as the simulator's driver applies them.
@Suite struct ReportMathTests {
    static let slo = SLOConfig(maxTTFT: .seconds(1), normalizedLatencyFactor: 10, singleIterationTime: .milliseconds(10))
    static let window = Duration.seconds(100)

    /// A run of `arrived` requests of which `good` met the SLO (the rest started but never
    /// finished); every request's TTFT is `ttft` seconds.
    static func summary(_ policy: String, rate: Double, arrived: Int = 100, good: Int, ttft: Double = 0.5) -> RunSummary {
        let records = (0..<arrived).map { index in
            RequestRecord(
                requestID: UInt64(index), type: "math", arrival: .seconds(Double(index) * 0.5),
                firstTokenAt: .seconds(Double(index) * 0.5 + ttft), finishedAt: index < good ? .seconds(Double(index) * 0.5 + ttft + 0.5) : nil,
                promptTokenCount: 10, generatedTokenCount: 20, returnedTokenCount: 0, callCount: 0, totalCallDuration: .zero,
                queueingDelay: .zero, preemptionCount: 0, recomputedTokenCount: 0, swappedBytes: 0)
        }
        let labels = RunLabels(policy: policy, preset: "p", workload: "w", rate: rate, seed: 1, window: window)
        return RunSummary(records: records, labels: labels, slo: slo)
    }

    static func result(_ summary: RunSummary) -> SimulationResult {
        let empty = TimeSeries(name: "x", unit: "y", points: [])
        return SimulationResult(
            summary: summary, records: [], kvUtilization: empty, tokenBudget: empty, stepCount: 1, endTime: window,
            arrivals: "poisson \(summary.labels.rate)/s")
    }

    @Test func summariesHaveTheGoodputTheyWereBuiltWith() {
        let run = Self.summary("x", rate: 1, good: 40, ttft: 0.25)
        #expect(run.good == 40 && run.arrived == 100 && run.completed == 40)
        #expect(run.goodputPerSecond == 0.4 && run.attainment == 0.4)
        #expect(abs(run.ttft.mean - 0.25) < 1e-12)
    }

    /// Goodput (good / 100 s): augserve 50, 90, 60 vs vllm 50, 30, 0 at rates 1, 2, 3 → ratios
    /// 1, 3, none (a zero baseline); geometric mean over the defined ratios √3.
    @Test func goodputRatiosAndTheirGeometricMean() {
        let runs = [
            Self.summary("vllm", rate: 1, good: 50), Self.summary("vllm", rate: 2, good: 30), Self.summary("vllm", rate: 3, good: 0),
            Self.summary("augserve", rate: 1, good: 50), Self.summary("augserve", rate: 2, good: 90), Self.summary("augserve", rate: 3, good: 60),
            Self.summary("infercept", rate: 1, good: 25), Self.summary("infercept", rate: 2, good: 45), Self.summary("infercept", rate: 3, good: 15),
        ]
        var report = ComparisonReport(title: "t", runs: runs.map(Self.result))
        report.baselines = ["vllm", "infercept"]
        func close(_ ratios: [(rate: Double, ratio: Double?)], _ expected: [Double?]) -> Bool {
            ratios.count == expected.count && zip(ratios, expected).allSatisfy { pair in
                switch (pair.0.ratio, pair.1) {
                case (nil, nil): true
                case (let a?, let b?): abs(a - b) < 1e-12
                default: false
                }
            }
        }
        let ratios = report.goodputRatios(over: "vllm")
        #expect(ratios.map(\.rate) == [1, 2, 3])
        #expect(close(ratios, [1, 3, nil]), "\(ratios)")
        #expect(abs((report.geometricMeanRatio(over: "vllm") ?? 0) - 3.0.squareRoot()) < 1e-12)
        // 2, 2, 4 → (2·2·4)^(1/3) = 16^(1/3)
        #expect(close(report.goodputRatios(over: "infercept"), [2, 2, 4]))
        #expect(abs((report.geometricMeanRatio(over: "infercept") ?? 0) - 2.519_842_099_789_746) < 1e-12)
        #expect(report.geometricMeanRatio(over: "nobody") == nil)
        let markdown = report.markdown()
        #expect(markdown.contains("| 2 | 3 | 2 |"), "the gains table: rate 2, × vllm 3, × infercept 2")
        #expect(markdown.contains("| 3 | – | 4 |"), "no ratio over a zero baseline")
        #expect(markdown.contains("over vllm: geometric-mean goodput ratio 1.73×"))
    }

    /// Mean TTFT reduction at the two highest rates: 1 − 0.2/0.8 = 0.75 and 1 − 0.5/1.0 = 0.5 →
    /// 0.625 (the lowest rate, where augserve is slower, is not counted).
    @Test func ttftReductionAtTheHighestRates() {
        let runs = [
            Self.summary("vllm", rate: 1, good: 10, ttft: 0.1), Self.summary("vllm", rate: 2, good: 10, ttft: 0.8),
            Self.summary("vllm", rate: 3, good: 10, ttft: 1.0),
            Self.summary("augserve", rate: 1, good: 10, ttft: 0.3), Self.summary("augserve", rate: 2, good: 10, ttft: 0.2),
            Self.summary("augserve", rate: 3, good: 10, ttft: 0.5),
        ]
        let report = ComparisonReport(title: "t", runs: runs.map(Self.result))
        #expect(abs((report.ttftReduction(over: "vllm") ?? 0) - 0.625) < 1e-12)
        #expect(abs((report.ttftReduction(over: "vllm", highestRates: 3) ?? 0) - (0.75 + 0.5 - 2) / 3) < 1e-12)
    }

    /// Sustained rate: the highest rate with ≥ 90% attainment at it *and every lower rate*; a
    /// later recovery does not count. Saturation: the first rate below 90%. Peak goodput and its rate.
    @Test func sustainedAndSaturationRates() {
        let runs = [
            // Given out of order: capacities sort by rate.
            Self.summary("a", rate: 2, good: 95), Self.summary("a", rate: 1, good: 100), Self.summary("a", rate: 3, good: 89),
            Self.summary("a", rate: 4, good: 92),
            Self.summary("b", rate: 1, good: 80), Self.summary("b", rate: 2, good: 85),
            Self.summary("c", rate: 1, good: 90), Self.summary("c", rate: 2, good: 90),
        ]
        let capacities = SweepReport.capacities(runs)
        #expect(capacities.map(\.policy) == ["a", "b", "c"])
        #expect(capacities[0].sustainedRate == 2 && capacities[0].saturationRate == 3)
        #expect(capacities[0].peakGoodput == 1 && capacities[0].peakGoodputRate == 1)
        #expect(capacities[1].sustainedRate == nil && capacities[1].saturationRate == 1)
        #expect(capacities[1].peakGoodput == 0.85 && capacities[1].peakGoodputRate == 2)
        #expect(capacities[2].sustainedRate == 2 && capacities[2].saturationRate == nil, "exactly 90% counts as sustained")
        let lines = SweepReport.capacityLines(runs)
        #expect(lines[0] == "a: sustains 2 req/s at ≥ 90% SLO attainment, saturates at 3 req/s; peak goodput 1/s at 1 req/s")
        #expect(lines[1].hasPrefix("b: sustains no tested rate"))
        #expect(lines[2].contains("never saturates in the tested range"))
    }

    // MARK: Ablation switches as the driver applies them

    /// `--no-prefix-cache` reaches the engine through the simulator's cache configuration:
    /// AugServe (and vLLM-APC) keep freed blocks findable, vLLM and InferCept do not.
    @Test func prefixCacheSwitchReachesTheEngine() throws {
        let hardware = try #require(HardwarePreset.named("gptj-6b-a100")).derive()
        func enabled(_ kind: PolicyKind, _ change: (inout AugServeParameters) -> Void = { _ in }) -> Bool {
            var parameters = AugServeParameters()
            change(&parameters)
            let settings = SimulationSettings(policy: PolicyConfiguration(kind: kind, augserve: parameters), hardware: hardware, window: .seconds(60))
            return settings.engineConfiguration().cache.prefixCachingEnabled
        }
        #expect(enabled(.augserve) && !enabled(.augserve) { $0.usesPrefixCache = false })
        #expect(enabled(.vllmAPC) && !enabled(.vllm) && !enabled(.infercept))
    }

    /// Through a whole simulated run: with the cache, resumed and repeated prompts hit it; with
    /// `usesPrefixCache` off there is not a single hit.
    @Test(arguments: [true, false])
    func prefixCacheHitsOnlyWithTheCache(cache: Bool) throws {
        let workload = SyntheticWorkload.make(count: 40, seed: 5)
        let arrivals = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 1), window: .seconds(60), seed: 5)
        var parameters = AugServeParameters()
        parameters.usesPrefixCache = cache
        let hardware = try #require(HardwarePreset.named("gptj-6b-rtx4090")).derive()
        let settings = SimulationSettings(policy: PolicyConfiguration(kind: .augserve, augserve: parameters), hardware: hardware, window: .seconds(60))
        let labels = RunLabels(policy: "augserve", preset: "rtx4090", workload: "synthetic", rate: 1, seed: 5, window: .seconds(60))
        var run = try SimulationRun(settings: settings, labels: labels)
        let result = try run.run(arrivals)
        let hits = try #require(result.summary.value("prefix_hit_blocks")?.doubleValue)
        #expect(cache ? hits > 0 : hits == 0, "\(hits) prefix-cache hit blocks")
    }

    /// The ablation variants switch one component each, and their labels say which.
    @Test func ablationVariantsAreLabelledByWhatTheySwitchOff() {
        let labels = PolicyConfiguration.augserveAblations(of: AugServeParameters()).map(\.label)
        #expect(labels == [
            "augserve-no-stage1", "augserve-no-stage2", "augserve-no-triage", "augserve-static-budget", "augserve-no-prefix-cache",
            "augserve-oracle",
        ])
    }

    // MARK: Hardware facts

    /// Facts that made `derive()` trap (Double-to-Int) are refused by `validate()`, naming the field;
    /// `derive()` itself saturates instead of trapping.
    @Test func hugeHardwareFactsNameTheField() {
        func field(_ change: (inout HardwarePreset) -> Void) -> String? {
            var preset = HardwarePreset(name: "x", model: .gptJ6B, accelerator: .rtx4090)
            change(&preset)
            do {
                try preset.validate()
                return nil
            } catch { return error.field }
        }
        #expect(field { _ in } == nil)
        #expect(field { $0.accelerator.memoryBytes = 1e30 } == "accelerator.memoryBytes")
        #expect(field { $0.accelerator.hostSwapBytes = 1e30 } == "accelerator.hostSwapBytes")
        #expect(field { $0.model.kvBytesPerToken = .max } == "model.kvBytesPerToken")
        #expect(field { $0.accelerator.fp16FLOPS = 1e300 } == "accelerator.fp16FLOPS")
        #expect(field { $0.accelerator.memoryBandwidth = 1e-3 } == "accelerator.memoryBandwidth")
        var huge = HardwarePreset(name: "x", model: .gptJ6B, accelerator: .rtx4090)
        huge.accelerator.memoryBytes = 1e300
        huge.accelerator.hostSwapBytes = 1e300
        huge.model.kvBytesPerToken = 1
        let derived = huge.derive()
        #expect(derived.kvCapacityTokenCount == .max && derived.hostSwapTokenCount == .max)
        for preset in HardwarePreset.all { #expect(throws: Never.self) { try preset.validate() } }
    }

    /// A petabyte of KV is within the facts' bounds but not within what the simulator keeps.
    @Test func simulatorBoundsTheBlockCount() {
        var preset = HardwarePreset(name: "x", model: .gptJ6B, accelerator: .rtx4090)
        preset.accelerator.memoryBytes = 1e15
        let settings = SimulationSettings(policy: PolicyConfiguration(kind: .vllm), hardware: preset.derive(), window: .seconds(60))
        do {
            try settings.validate()
            Issue.record("accepted \(preset.derive().kvCapacityTokenCount) KV tokens")
        } catch {
            #expect(error.field == "cache.deviceBlockCount")
        }
    }
}
