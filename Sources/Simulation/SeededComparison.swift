import Dispatch
import Measurement
import ServingCore
import Synchronization
import Workloads

/// A comparison repeated over several seeds: the rate grid for every policy, then each searched
/// policy's sustainable rate by bisection, at each seed.
public struct SeededComparisonPlan: Sendable {
    /// The grid; its seed is replaced by each of `seeds` in turn.
    public var sweep: SweepPlan
    public var seeds: [UInt64]
    /// Labels of the policies whose sustainable rate is searched (nil: every policy).
    public var searchedPolicies: Set<String>?
    public var resolution = SustainableRateSearch.defaultResolution
    /// Keep the runs' request records (the reports need only summaries and class tallies).
    public var keepsRecords = false

    public init(sweep: SweepPlan, seeds: [UInt64], searchedPolicies: Set<String>? = nil) {
        self.sweep = sweep
        self.seeds = seeds
        self.searchedPolicies = searchedPolicies
    }
}

/// One seed's grid runs (plan order) and the sustainable rates found at that seed.
public struct SeedRuns: Sendable {
    public var seed: UInt64
    public var runs: [SimulationResult]
    /// By policy label.
    public var sustainable: [String: SustainableRate]

    public init(seed: UInt64, runs: [SimulationResult], sustainable: [String: SustainableRate] = [:]) {
        self.seed = seed
        self.runs = runs
        self.sustainable = sustainable
    }
}

public enum SeededComparison {
    public static func run(
        _ plan: SeededComparisonPlan, parallelism: Int, progress: (@Sendable (String) -> Void)? = nil
    ) throws -> [SeedRuns] {
        try plan.seeds.map { seed in
            var sweep = plan.sweep
            sweep.seed = seed
            var runs = try Sweep.run(sweep, parallelism: parallelism, progress: progress.map { report in { @Sendable line in report("seed \(seed) \(line)") } })
            if !plan.keepsRecords {
                for index in runs.indices { runs[index].records = [] }
            }
            let searched = sweep.policies.filter { plan.searchedPolicies?.contains($0.label) ?? true }
            let sustainable = try search(sweep, policies: searched, grid: runs.map(\.summary), resolution: plan.resolution, parallelism: parallelism, progress: progress)
            return SeedRuns(seed: seed, runs: runs, sustainable: sustainable)
        }
    }

    /// Each policy's bisection (its probes run one after another; policies run side by side).
    static func search(
        _ sweep: SweepPlan, policies: [PolicyConfiguration], grid: [RunSummary], resolution: Double, parallelism: Int,
        progress: (@Sendable (String) -> Void)?
    ) throws -> [String: SustainableRate] {
        let template = sweep.arrivalProcesses.first ?? .poisson(ratePerSecond: 1)
        let found = Mutex<[String: Result<SustainableRate, Error>]>([:])
        let workers = max(1, min(parallelism, policies.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: policies.count, by: workers) {
                let policy = policies[index]
                let outcome = Result {
                    try SustainableRateSearch.find(grid: grid.filter { $0.labels.policy == policy.label }, resolution: resolution) { rate in
                        let process = template.withRate(rate)
                        let arrivals = try WorkloadSchedule.make(workload: sweep.workload, arrivals: process, window: sweep.settings.window, seed: sweep.seed)
                        let result = try Sweep.runOne(sweep, policy: policy, process: process, arrivals: arrivals)
                        progress?("seed \(sweep.seed) search \(policy.label) \(process.label): attainment \(Format.number(result.summary.attainment, decimals: 3))")
                        return result.summary
                    }
                }
                found.withLock { $0[policy.label] = outcome }
            }
        }
        return try found.withLock { all in try all.mapValues { try $0.get() } }
    }
}

extension ArrivalProcess {
    /// The same kind of process (Poisson, or Gamma with the same CV) at another rate.
    public func withRate(_ rate: Double) -> ArrivalProcess {
        switch self {
        case .poisson: .poisson(ratePerSecond: rate)
        case .gamma(_, let cv): .gamma(ratePerSecond: rate, coefficientOfVariation: cv)
        }
    }
}
