import ArgumentParser
import Foundation
import Measurement
import ServingCore
import Simulation
import Workloads

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the scheduling core on a virtual clock against a GPU cost model.",
        discussion: """
            Replays a workload (by default the InferCept six-augmentation mixture shipped with AugServe) \
            under one or more policies and arrival rates, and prints a comparison table with each \
            policy's sustainable rate (the highest rate at ≥ 90% SLO attainment, found by bisection \
            to 0.05 req/s when several rates are given) and AugServe's ratios against the baselines. \
            With no options it compares all four policies on the memory-tight RTX 4090 preset at \
            rates around the baselines' knee. The same seed gives byte-identical JSON and CSV reports.

            Examples:
              augserve simulate
              augserve simulate --policy infercept --preset gptj-6b-a100 --rate 2.0 --duration 30m --seed 1
              augserve simulate --policies vllm,vllm-apc,infercept --rates 1:4:0.5 --csv out.csv --json out.json
              augserve simulate --compare --ablations --seeds 5 --preset gptj-6b-rtx4090 --rates 0.5:3:0.5
            """)

    @Option(help: "One policy: vllm, vllm-apc, infercept or augserve.")
    var policy: String?

    @Option(help: "Comma-separated policies for a sweep (default: vllm,vllm-apc,infercept,augserve).")
    var policies: String?

    @Option(help: "One arrival rate in requests per second.")
    var rate: Double?

    @Option(help: "Comma-separated rates for a sweep; 'a:b:step' expands to a range, e.g. 1:4:0.5 (default: \(SimulationRequest.defaultRates), around the baselines' knee on the default preset).")
    var rates: String?

    @Option(help: "Hardware preset (see --list-presets).")
    var preset: String = SimulationRequest.defaultPreset

    @Option(help: "A JSON file of model and accelerator facts for any other hardware (overrides --preset).")
    var hardware: String?

    @Flag(help: "List the hardware presets with their derived cost models and exit.")
    var listPresets = false

    @Option(help: "Arrival window, e.g. 30m, 90s, 1h.")
    var duration: String = SimulationRequest.defaultDuration

    @Option(help: "Longest drain after the window before unfinished requests count as missed (default: the window).")
    var maxDrain: String?

    @Option(help: "Seed for arrivals and request draws.")
    var seed: UInt64 = 1

    @Option(help: "Seeds to repeat the sweep with (seed, seed+1, …); headline figures are their medians with ranges (default: 5 with --compare, else 1).")
    var seeds: Int?

    @Flag(help: "Skip the bisection for each policy's sustainable rate (only the rate grid's).")
    var noSearch = false

    @Option(help: "Arrival process: poisson, or gamma (bursty; see --cv).")
    var arrivals: String = "poisson"

    @Option(help: "Coefficient of variation of Gamma inter-arrival gaps.")
    var cv: Double = 2

    @Option(help: "A workload file in the typed JSON form (default: the bundled InferCept mixture).")
    var workloadFile: String?

    @Option(help: "Tokens per KV block.")
    var blockSize: Int = 16

    @Option(help: "Static token budget per iteration (default: the policy's, vLLM 2048, InferCept 384).")
    var maxBatchedTokens: Int?

    @Option(help: "Most requests running at once.")
    var maxRunning: Int = 256

    @Option(help: "TTFT objective, e.g. 1s.")
    var ttftSlo: String = "1s"

    @Option(help: "Normalized-latency objective as a multiple of the single-iteration time.")
    var normlatFactor: Double = 10

    @Option(help: "Write the comparison as CSV (one row per policy and rate).")
    var csv: String?

    @Option(help: "Write the full report (configuration, runs, time series) as JSON.")
    var json: String?

    @Option(help: "Write the comparison table as Markdown.")
    var markdown: String?

    @Option(help: "Write every request's record (times, tokens, calls, SLO) as CSV, all runs in one file.")
    var records: String?

    @Option(help: "Runs simulated in parallel (default: the number of CPU cores).")
    var jobs: Int?

    @Flag(help: "Check the core's invariants after every step (slow).")
    var checkInvariants = false

    @Flag(help: "No progress output on stderr.")
    var quiet = false

    @Flag(help: "Compare vllm, vllm-apc, infercept and augserve over the rates, plus bursty runs, and write a report with charts.")
    var compare = false

    @Flag(help: "With --compare: also run AugServe with each component switched off and with the oracle predictor.")
    var ablations = false

    @Option(help: "With --compare: the report folder (default: reports/<preset>).")
    var reportDir: String?

    @Option(help: "With --compare: coefficients of variation of the bursty Gamma runs.")
    var burstyCv: String = "2,4"

    @Option(help: "With --compare: the rate of the bursty runs and of the token-budget chart (default: the middle rate).")
    var burstyRate: Double?

    @OptionGroup(title: "AugServe options")
    var augserve: AugServeOptions

    func run() async throws {
        if listPresets {
            print(PresetListing.text())
            return
        }
        let request = try SimulationRequest(self)
        let parallelism = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let progress = quiet ? nil : Self.progressPrinter(started: ContinuousClock.now)
        let seedRuns = try SeededComparison.run(request.seededPlan, parallelism: parallelism, progress: progress)
        if compare {
            try runComparison(request, seedRuns: seedRuns, parallelism: parallelism, progress: progress)
            return
        }
        let results = seedRuns.first?.runs ?? []
        let summaries = results.map(\.summary)
        let table = ReportFormat.markdownTable(summaries)
        print(request.headline)
        print(table)
        let report = ComparisonReport(title: request.headline, seedRuns: seedRuns)
        if request.searchesSustainableRates {
            print(report.headlineMarkdown(), terminator: "")
        } else {
            for line in SweepReport.capacityLines(summaries) { print(line) }
        }
        try write(table, to: markdown)
        try write(ReportFormat.csv(summaries), to: csv)
        if records != nil {
            let rows = results.map { ReportFormat.recordsCSV($0.records, run: $0.summary.labels, slo: $0.summary.slo) }
            try write(rows.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.drop { $0 != "\n" }.dropFirst()) }.joined(), to: records)
        }
        let series = results.map { result in
            var kv = result.kvUtilization.downsampled(to: 360)
            kv.label = "\(result.summary.labels.policy) @ \(Format.number(result.summary.labels.rate))/s"
            var budget = result.tokenBudget.downsampled(to: 360)
            budget.label = kv.label
            return [kv, budget]
        }.flatMap { $0 }
        try write(ReportFormat.json(configuration: SweepReport.configuration(request.plan, preset: request.preset), runs: summaries, series: series), to: json)
    }

    private func runComparison(
        _ request: SimulationRequest, seedRuns: [SeedRuns], parallelism: Int, progress: (@Sendable (String) -> Void)?
    ) throws {
        var bursty = request.plan
        bursty.arrivalProcesses = request.burstyProcesses
        let burstyResults = try Sweep.run(bursty, parallelism: parallelism, progress: progress)
        var report = ComparisonReport(title: request.headline, seedRuns: seedRuns, burstyRuns: burstyResults)
        report.budgetRate = request.burstyRate
        let directory = reportDir ?? "reports/\(request.plan.settings.hardware.presetName)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create \(directory): \(error.localizedDescription)")
        }
        let markdown = report.markdown()
        try write(markdown, to: "\(directory)/report.md")
        for chart in report.charts() { try write(chart.svg, to: "\(directory)/\(chart.fileName)") }
        let all = (seedRuns.flatMap(\.runs) + burstyResults).map(\.summary)
        try write(ReportFormat.csv(all), to: csv ?? "\(directory)/runs.csv")
        try write(ReportFormat.json(configuration: SweepReport.configuration(request.plan, preset: request.preset), runs: all), to: json ?? "\(directory)/runs.json")
        print(markdown)
        print("report written to \(directory)/report.md")
    }

    /// Progress lines on stderr with the wall time since `started`.
    static func progressPrinter(started: ContinuousClock.Instant) -> @Sendable (String) -> Void {
        { line in
            let elapsed: Duration = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            FileHandle.standardError.write(Data("simulate: \(line) (\(Format.seconds(seconds)) s)\n".utf8))
        }
    }

    private func write(_ text: String, to path: String?) throws {
        guard let path else { return }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
