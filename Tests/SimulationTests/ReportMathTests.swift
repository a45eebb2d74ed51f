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

    // MARK: Seeds, sustainable rates, ratios, classes

    /// Median and range: odd count (middle), even count (mean of the middle two), non-finite
    /// values dropped, nothing left → nil.
    @Test func seedSpreadIsMedianAndRange() throws {
        let odd = try #require(SeedSpread([3, 1, 2]))
        #expect(odd.median == 2 && odd.low == 1 && odd.high == 3 && odd.count == 3)
        #expect(odd.text() == "2 (1–3)" && odd.text(suffix: "×") == "2× (1–3×)")
        let even = try #require(SeedSpread([4, 1, 3, 2, .nan]))
        #expect(even.median == 2.5 && even.count == 4)
        #expect(SeedSpread([]) == nil && SeedSpread([.infinity]) == nil)
        #expect(SeedSpread([1.5])?.text() == "1.5")
        #expect(even.scaled(by: 100).median == 250)
    }

    /// Bisection between the grid's last pass (1) and first miss (1.5) on the 0.05 lattice: the
    /// policy meets 90% up to 1.37 req/s, so the probes are 1.25 (pass), 1.35 (pass), 1.4 (miss)
    /// and the sustainable rate is 1.35, with the goodput of the 1.35 probe.
    @Test func sustainableRateIsBisectedToTheResolution() {
        let grid = [Self.summary("a", rate: 2, good: 20), Self.summary("a", rate: 1, good: 100), Self.summary("a", rate: 1.5, good: 50)]
        var probed: [Double] = []
        let found = SustainableRateSearch.find(grid: grid) { rate in
            probed.append(rate)
            return Self.summary("a", rate: rate, good: rate <= 1.37 ? 95 : 50)
        }
        #expect(probed == [1.25, 1.35, 1.4])
        #expect(found == SustainableRate(rate: 1.35, goodputAtKnee: 0.95, isLowerBound: false, probeCount: 3))
    }

    /// Below the lowest grid rate the search starts from 0; nothing sustained gives 0; everything
    /// sustained gives the top rate as a lower bound without probing.
    @Test func sustainableRateAtTheEdgesOfTheGrid() {
        let low = SustainableRateSearch.find(grid: [Self.summary("a", rate: 1, good: 50)]) { rate in
            Self.summary("a", rate: rate, good: rate <= 0.3 ? 100 : 10)
        }
        #expect(low.rate == 0.3 && low.goodputAtKnee == 1)
        let none = SustainableRateSearch.find(grid: [Self.summary("a", rate: 1, good: 50)]) { rate in Self.summary("a", rate: rate, good: 0) }
        #expect(none.rate == 0 && none.goodputAtKnee == 0 && !none.isLowerBound)
        var probes = 0
        let all = SustainableRateSearch.find(grid: [Self.summary("a", rate: 1, good: 100), Self.summary("a", rate: 2, good: 95)]) { rate in
            probes += 1
            return Self.summary("a", rate: rate, good: 0)
        }
        #expect(all == SustainableRate(rate: 2, goodputAtKnee: 0.95, isLowerBound: true, probeCount: 0) && probes == 0)
    }

    static func sustainable(_ rate: Double, goodput: Double = 0) -> SustainableRate {
        SustainableRate(rate: rate, goodputAtKnee: goodput, isLowerBound: false, probeCount: 1)
    }

    /// Three seeds. Sustainable rates (augserve, vllm, infercept, variant): (1.5, 1, 1.2, 1.25),
    /// (2, 1, 1, 1.5), (1.8, 0, 0.9, 1.8). Ratios over vllm: 1.5, 2, none → median 1.75 (1.5–2).
    /// Over infercept: 1.25, 2, 2 → 2 (1.25–2). Share of lead given up by the variant: (1.5−1.25)
    /// / (1.5−1.2) = 0.8333, (2−1.5)/(2−1) = 0.5, (1.8−1.8)/(1.8−0.9) = 0 → 0.5 (0–0.83).
    /// Geometric-mean goodput ratios per seed over vllm at rates 1 and 2: seed 1: 90/45 and
    /// 60/30 → 2; seed 2: 80/80, 40/10 → 2; seed 3: 90/30, 30/10 → 3 → median 2 (2–3).
    @Test func headlineFiguresAreMediansOverSeeds() throws {
        let rates: [(aug: Double, vllm: Double, infercept: Double, variant: Double)] = [(1.5, 1, 1.2, 1.25), (2, 1, 1, 1.5), (1.8, 0, 0.9, 1.8)]
        let goodput: [(aug: [Int], vllm: [Int])] = [([90, 60], [45, 30]), ([80, 40], [80, 10]), ([90, 30], [30, 10])]
        let seedRuns = (0..<3).map { index in
            let runs = [1.0, 2.0].enumerated().flatMap { position, rate in
                [
                    Self.summary("vllm", rate: rate, good: goodput[index].vllm[position]),
                    Self.summary("augserve", rate: rate, good: goodput[index].aug[position]),
                ]
            }
            return SeedRuns(
                seed: UInt64(index + 1), runs: runs.map(Self.result),
                sustainable: [
                    "augserve": Self.sustainable(rates[index].aug), "vllm": Self.sustainable(rates[index].vllm),
                    "infercept": Self.sustainable(rates[index].infercept), "augserve-no-prefix-cache": Self.sustainable(rates[index].variant),
                ])
        }
        let report = ComparisonReport(title: "t", seedRuns: seedRuns)
        let overVLLM = try #require(report.sustainableRatioSpread(over: "vllm"))
        #expect(overVLLM.median == 1.75 && overVLLM.low == 1.5 && overVLLM.high == 2 && overVLLM.count == 2)
        let overInfercept = try #require(report.sustainableRatioSpread(over: "infercept"))
        #expect(abs(overInfercept.median - 2) < 1e-12 && abs(overInfercept.low - 1.25) < 1e-12)
        let share = try #require(report.shareOfLeadSpread("augserve-no-prefix-cache"))
        #expect(abs(share.median - 0.5) < 1e-12 && abs(share.low) < 1e-12 && abs(share.high - 0.25 / 0.3) < 1e-12)
        let mean = try #require(report.geometricMeanRatioSpread(over: "vllm"))
        #expect(abs(mean.median - 2) < 1e-12 && abs(mean.high - 3) < 1e-12)
        #expect(report.sustainableRate("augserve") == SeedSpread([1.5, 2, 1.8]))
        let markdown = report.markdown()
        #expect(markdown.contains("| augserve | 1.8 (1.5–2) |"), "sustainable-rate table")
        #expect(markdown.contains("| vllm | 1.75× (1.5–2×) | 2× (2–3×) |"), "ratio table")
        #expect(markdown.contains("| augserve-no-prefix-cache | 1.5 (1.25–1.8) |"), "ablation table")
    }

    /// Per-class attainment from the request records: 3 of 4 QA requests and 1 of 2 TTS requests
    /// met the SLO; over two seeds (QA 0.75 and 0.25) the median is 0.5.
    @Test func perClassAttainmentFromRecords() throws {
        func records(_ classes: [(String, Bool)]) -> [RequestRecord] {
            classes.enumerated().map { index, entry in
                RequestRecord(
                    requestID: UInt64(index), type: entry.0, arrival: .seconds(Double(index)), firstTokenAt: .seconds(Double(index) + 0.1),
                    finishedAt: entry.1 ? .seconds(Double(index) + 0.2) : nil, promptTokenCount: 10, generatedTokenCount: 20,
                    returnedTokenCount: 0, callCount: 0, totalCallDuration: .zero, queueingDelay: .zero, preemptionCount: 0,
                    recomputedTokenCount: 0, swappedBytes: 0)
            }
        }
        let first = ClassTally.tallies(records([("qa", true), ("tts", true), ("qa", true), ("qa", false), ("tts", false), ("qa", true)]), slo: Self.slo)
        #expect(first == [ClassTally(requestClass: "qa", arrived: 4, good: 3), ClassTally(requestClass: "tts", arrived: 2, good: 1)])
        let second = ClassTally.tallies(records([("qa", true), ("qa", false), ("qa", false), ("qa", false)]), slo: Self.slo)
        let seedRuns = [first, second].enumerated().map { index, tallies in
            var run = Self.result(Self.summary("augserve", rate: 1, good: 10))
            run.classTallies = tallies
            return SeedRuns(seed: UInt64(index + 1), runs: [run])
        }
        let report = ComparisonReport(title: "t", seedRuns: seedRuns)
        #expect(report.classAttainmentSpread("augserve", rate: 1, requestClass: "qa") == SeedSpread([0.75, 0.25]))
        #expect(report.classAttainmentSpread("augserve", rate: 1, requestClass: "tts") == SeedSpread([0.5]))
        #expect(report.classAttainmentSpread("augserve", rate: 1, requestClass: "math") == nil)
        #expect(report.markdown().contains("| policy | rate | qa | tts |\n|---|---|---|---|\n| augserve | 1 | 0.5 | 0.5 |"))
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
            "augserve-no-skip-admission", "augserve-oracle",
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
