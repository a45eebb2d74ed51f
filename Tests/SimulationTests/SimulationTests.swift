import Measurement
import ServingCore
import Simulation
import Testing
import Workloads

@Suite struct SimulationTests {
    static let hardware = HardwarePreset.named("gptj-6b-rtx4090")!.derive()

    static func sweep(seed: UInt64, policies: [PolicyKind] = [.vllm, .infercept], window: Duration = .seconds(120)) throws -> (SweepPlan, [SimulationResult]) {
        let workload = try InferCeptDataset.bundled()
        var settings = SimulationSettings(policy: PolicyConfiguration(kind: .vllm), hardware: hardware, window: window)
        settings.checksInvariants = true
        let plan = SweepPlan(
            policies: policies.map { PolicyConfiguration(kind: $0) },
            arrivalProcesses: [.poisson(ratePerSecond: 1.5), .gamma(ratePerSecond: 1.5, coefficientOfVariation: 3)],
            workload: workload, workloadName: "infercept", settings: settings, seed: seed)
        return (plan, try Sweep.run(plan, parallelism: 2))
    }

    static func jsonReport(_ plan: SweepPlan, _ results: [SimulationResult]) -> String {
        ReportFormat.json(
            configuration: SweepReport.configuration(plan, preset: nil), runs: results.map(\.summary),
            series: results.map(\.kvUtilization))
    }

    @Test func sameSeedGivesByteIdenticalReports() throws {
        let (planA, first) = try Self.sweep(seed: 7)
        let (planB, second) = try Self.sweep(seed: 7)
        #expect(Self.jsonReport(planA, first) == Self.jsonReport(planB, second))
        #expect(ReportFormat.csv(first.map(\.summary)) == ReportFormat.csv(second.map(\.summary)))
    }

    @Test func differentSeedsGiveDifferentArrivals() throws {
        let workload = try InferCeptDataset.bundled()
        let a = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 2), window: .seconds(300), seed: 1)
        let b = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 2), window: .seconds(300), seed: 2)
        #expect(a.map(\.arrival) != b.map(\.arrival))
        #expect(a.map(\.trace.key) != b.map(\.trace.key))
    }

    /// Every request of a light load finishes, meets the SLO, and the core ends empty (the run
    /// checked the invariants after every step).
    @Test(arguments: PolicyKind.allCases)
    func lightLoadIsServedWithinTheSLO(policy: PolicyKind) throws {
        let workload = SyntheticWorkload.make(count: 40, seed: 3)
        let arrivals = try WorkloadSchedule.make(workload: workload, arrivals: .poisson(ratePerSecond: 0.2), window: .seconds(120), seed: 3)
        var settings = SimulationSettings(policy: PolicyConfiguration(kind: policy), hardware: Self.hardware, window: .seconds(120), maxDrain: .seconds(600))
        settings.checksInvariants = true
        let labels = RunLabels(policy: policy.rawValue, preset: "rtx4090", workload: "synthetic", rate: 0.2, seed: 3, window: .seconds(120))
        var run = try SimulationRun(settings: settings, labels: labels)
        let result = try run.run(arrivals)
        #expect(result.summary.arrived == arrivals.count && arrivals.count > 10)
        #expect(result.summary.completed == arrivals.count)
        #expect(result.summary.attainment == 1)
        let expectedOutput = arrivals.reduce(0) { $0 + $1.trace.maxOutputTokenCount }
        #expect(result.records.reduce(0) { $0 + $1.outputTokenCount } == expectedOutput)
    }

    /// Under overload the memory-tight GPU preempts or swaps, and unfinished requests count as missed.
    @Test func overloadIsReportedNotHidden() throws {
        let (_, results) = try Self.sweep(seed: 11, policies: [.vllm], window: .seconds(300))
        let poisson = results[0].summary
        #expect(poisson.arrived > 300)
        #expect(poisson.good <= poisson.completed && poisson.completed <= poisson.arrived)
        #expect(poisson.goodputPerSecond == Double(poisson.good) / 300)
    }

    @Test func presetsFollowTheRooflineRule() throws {
        let a100 = try #require(HardwarePreset.named("gptj-6b-a100")).derive()
        #expect(a100.cost.fixed == .milliseconds(10), "InferCept's fit overrides c")
        #expect(abs(a100.cost.perToken.seconds - 46.3e-6) < 1e-12)
        #expect(abs(Double(a100.kvCapacityTokenCount) - 127_301) < 2, "(0.9·80 GB − 12.1 GB − 1.5 GB) / 458,752 B")
        let rtx = Self.hardware
        // c = 12.1 GB / (0.8 · 1 TB/s) + 2.4 ms; a = 2 · 6.05e9 / (0.8 · 165e12); KV (21.6 − 12.1 − 1.5) GB / 458,752 B
        #expect(abs(rtx.cost.fixed.seconds - (12.1e9 / 0.8e12 + 0.0024)) < 1e-9)
        #expect(abs(rtx.cost.perToken.seconds - 12.1e9 / (0.8 * 165e12)) < 1e-12)
        #expect(abs(Double(rtx.kvCapacityTokenCount) - 8.0e9 / 458_752) < 2)
        #expect(abs(rtx.cost.swapSeconds(tokenCount: 1000) - 1000 * 458_752 / 13e9) < 1e-12)
        let vicuna = try #require(HardwarePreset.named("vicuna-13b-2xa100-40gb")).derive()
        #expect(abs(Double(vicuna.kvCapacityTokenCount) - 21.5e9 / 409_600) < 2, "per-GPU weights and KV at TP 2")
        #expect(abs(vicuna.cost.fixed.seconds - (13e9 / (0.8 * 1.55e12) + 0.0044)) < 1e-9, "+2 ms all-reduce")
        #expect(HardwarePreset.all.count == 6)
        for preset in HardwarePreset.all { try preset.validate() }
    }

    @Test func invalidSettingsNameTheField() {
        var settings = SimulationSettings(policy: PolicyConfiguration(kind: .vllm), hardware: Self.hardware, window: .zero)
        #expect(throws: ConfigurationError.self) { try settings.validate() }
        settings.window = .seconds(10)
        settings.blockSize = 0
        do {
            try settings.validate()
            Issue.record("block size 0 accepted")
        } catch {
            #expect(error.field == "cache.blockSize")
        }
        let tiny = HardwarePreset(
            name: "tiny", model: .gptJ6B,
            accelerator: AcceleratorFacts(name: "x", memoryBytes: 8e9, memoryBandwidth: 1e12, fp16FLOPS: 1e14, hostLinkBandwidth: 1e10, hostSwapBytes: 0))
        #expect(throws: ConfigurationError.self) { try tiny.validate() }
    }

    @Test func simulatedExecutorFollowsTheCostModel() {
        let cost = IterationCostModel(
            fixed: .milliseconds(10), perToken: .microseconds(50), perContextToken: .microseconds(1),
            kvBytesPerToken: 1000, swapBytesPerSecond: 1e6)
        var executor = SimulatedExecutor(cost: cost, deviceBlockCount: 10, blockSize: 16)
        let plan = BatchPlan(sequences: [
            ScheduledSequence(requestID: RequestID(1), tokens: [1], startPosition: 99, blockTable: [], samplesNextToken: true),
            ScheduledSequence(requestID: RequestID(2), tokens: Array(repeating: 1, count: 99), startPosition: 0, blockTable: [], samplesNextToken: false),
        ])
        let output = executor.execute(plan)
        // 10 ms + 100 tokens · 50 µs + 100 context tokens · 1 µs = 15.1 ms
        #expect(abs(output.duration.seconds - 0.0151) < 1e-9)
        #expect(output.sampledTokens.map(\.requestID) == [RequestID(1)])
        // Swapping 2 blocks of 16 tokens · 1000 B at 1 MB/s takes 32 ms, longer than the compute.
        let swapping = BatchPlan(sequences: plan.sequences, swapOut: [BlockTransfer(device: BlockID(0), host: HostSlotID(0)), BlockTransfer(device: BlockID(1), host: HostSlotID(1))])
        #expect(abs(executor.execute(swapping).duration.seconds - 0.032) < 1e-9)
    }
}
