import ArgumentParser
import Foundation
import Measurement
import ServingCore
import Simulation
import Workloads

struct BenchSchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scheduler",
        abstract: "Time the scheduler and the simulator (use a release build).",
        discussion: """
            Prints (1) the wall time of the full baseline sweep — vllm, vllm-apc and infercept at \
            rates 1.0–4.0 step 0.5, 30-minute windows, InferCept mixture on gptj-6b-a100 — and (2) \
            the CPU time of one scheduling round with a deep waiting queue for every policy. \
            Build with `swift build -c release` first: debug builds are 10–50× slower.
            """)

    @Option(help: "Requests kept waiting during the round benchmark.")
    var queued: Int = 10_000

    @Option(help: "Rounds timed per policy.")
    var rounds: Int = 2_000

    @Option(help: "Comma-separated policies for the round benchmark (default: all).")
    var policies: String?

    @Flag(help: "Skip the sweep timing.")
    var skipSweep = false

    @Option(help: "Runs simulated in parallel during the sweep (default: the number of CPU cores).")
    var jobs: Int?

    func run() async throws {
        guard (1...SchedulerBenchmark.maxQueuedCount).contains(queued) else {
            throw ValidationError("invalid --queued \(queued): must be in 1...\(SchedulerBenchmark.maxQueuedCount)")
        }
        guard (1...SchedulerBenchmark.maxRounds).contains(rounds) else {
            throw ValidationError("invalid --rounds \(rounds): must be in 1...\(SchedulerBenchmark.maxRounds)")
        }
        if let jobs, jobs < 1 { throw ValidationError("invalid --jobs \(jobs): must be ≥ 1") }
        guard let preset = HardwarePreset.named("gptj-6b-a100") else { throw ValidationError("preset gptj-6b-a100 missing") }
        if !skipSweep { try timeSweep(preset) }
        let kinds = try policies.map { try SimulationRequest.policyKinds($0) } ?? PolicyKind.allCases
        print("scheduling round, \(queued) requests waiting, running set full (\(rounds) rounds each):")
        for kind in kinds {
            let result = try SchedulerBenchmark(hardware: preset.derive(), queuedCount: queued, rounds: rounds).run(policy: kind)
            print(
                "  \(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) schedule mean \(micro(result.scheduleMean)) µs, "
                    + "p99 \(micro(result.scheduleP99)) µs; schedule+apply mean \(micro(result.roundMean)) µs")
        }
    }

    private func timeSweep(_ preset: HardwarePreset) throws {
        let workload = try InferCeptDataset.bundled()
        let window = Duration.seconds(1800)
        let settings = SimulationSettings(policy: PolicyConfiguration(kind: .vllm), hardware: preset.derive(), window: window)
        let rates = stride(from: 1.0, through: 4.0, by: 0.5).map { ArrivalProcess.poisson(ratePerSecond: $0) }
        let plan = SweepPlan(
            policies: [.vllm, .vllmAPC, .infercept].map { PolicyConfiguration(kind: $0) }, arrivalProcesses: rates,
            workload: workload, workloadName: workload.name, settings: settings, seed: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let results = try Sweep.run(plan, parallelism: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let elapsed = clock.now - start
        let steps = results.reduce(0) { $0 + $1.stepCount }
        let requests = results.reduce(0) { $0 + $1.summary.arrived }
        print(
            "full sweep: 3 policies × 7 rates × 30 min (\(requests) requests, \(steps) iterations) in "
                + "\(Format.number(elapsed.seconds, decimals: 2)) s wall on \(jobs ?? ProcessInfo.processInfo.activeProcessorCount) threads")
    }

    private func micro(_ duration: Duration) -> String { Format.number(duration.seconds * 1e6, decimals: 1) }
}
