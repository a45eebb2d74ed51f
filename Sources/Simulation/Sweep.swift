import Foundation
import Measurement
import ServingCore
import Synchronization
import Workloads

/// A grid of simulated runs: every policy at every rate, on one workload and hardware, with the
/// same seeded arrivals for every policy at a given rate (so policies see identical load).
public struct SweepPlan: Sendable {
    public var policies: [PolicyConfiguration]
    /// Arrival processes to run, one per rate (Poisson or Gamma).
    public var arrivalProcesses: [ArrivalProcess]
    public var workload: Workload
    public var workloadName: String
    public var settings: SimulationSettings
    public var seed: UInt64

    public init(
        policies: [PolicyConfiguration], arrivalProcesses: [ArrivalProcess], workload: Workload,
        workloadName: String, settings: SimulationSettings, seed: UInt64
    ) {
        self.policies = policies
        self.arrivalProcesses = arrivalProcesses
        self.workload = workload
        self.workloadName = workloadName
        self.settings = settings
        self.seed = seed
    }

    /// The label a run gets in reports.
    public static func policyLabel(_ policy: PolicyConfiguration) -> String { policy.label }
}

public enum Sweep {
    /// Runs every (policy, arrival process) pair, `parallelism` at a time. Results are in plan
    /// order (policy-major), independent of scheduling, so reports are deterministic.
    public static func run(
        _ plan: SweepPlan, parallelism: Int, progress: (@Sendable (String) -> Void)? = nil
    ) throws -> [SimulationResult] {
        let schedules = try plan.arrivalProcesses.map { process in
            try WorkloadSchedule.make(workload: plan.workload, arrivals: process, window: plan.settings.window, seed: plan.seed)
        }
        let jobs = plan.policies.flatMap { policy in plan.arrivalProcesses.indices.map { (policy, $0) } }
        let results = Mutex<[Int: Result<SimulationResult, Error>]>([:])
        let finished = Atomic<Int>(0)
        let workers = max(1, min(parallelism, jobs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: jobs.count, by: workers) {
                let (policy, rateIndex) = jobs[index]
                let outcome = Result { try runOne(plan, policy: policy, process: plan.arrivalProcesses[rateIndex], arrivals: schedules[rateIndex]) }
                results.withLock { $0[index] = outcome }
                let done = finished.add(1, ordering: .relaxed).newValue
                progress?("[\(done)/\(jobs.count)] \(policy.label) \(plan.arrivalProcesses[rateIndex].label)")
            }
        }
        return try results.withLock { all in
            try jobs.indices.map { index in
                guard let result = all[index] else { throw SimulationError.missingResult(index) }
                return try result.get()
            }
        }
    }

    static func runOne(_ plan: SweepPlan, policy: PolicyConfiguration, process: ArrivalProcess, arrivals: [ArrivingRequest]) throws -> SimulationResult {
        var settings = plan.settings
        settings.policy = policy
        let labels = RunLabels(
            policy: policy.label, preset: settings.hardware.presetName, workload: plan.workloadName,
            rate: process.ratePerSecond, seed: plan.seed, window: settings.window)
        var run = try SimulationRun(settings: settings, labels: labels)
        var result = try run.run(arrivals)
        result.arrivals = process.label
        return result
    }
}

extension ArrivalProcess {
    public var ratePerSecond: Double {
        switch self {
        case .poisson(let rate): rate
        case .gamma(let rate, _): rate
        }
    }

    public var label: String {
        switch self {
        case .poisson(let rate): "poisson \(rate)/s"
        case .gamma(let rate, let cv): "gamma \(rate)/s cv \(cv)"
        }
    }
}

extension PolicyConfiguration {
    /// The policy's name in reports; AugServe variants name what they switch off.
    public var label: String {
        guard kind == .augserve else { return kind.rawValue }
        var label = kind.rawValue
        if !augserve.usesStageOne { label += "-no-stage1" }
        if !augserve.usesStageTwo { label += "-no-stage2" }
        if !augserve.usesTriage && augserve.usesStageTwo { label += "-no-triage" }
        if !augserve.usesDynamicBudget { label += "-static-budget" }
        if !augserve.usesPrefixCache { label += "-no-prefix-cache" }
        if !augserve.skipsUnfitRequests { label += "-no-skip-admission" }
        if let floor = augserve.classAttainmentFloor { label += "-floor-\(Format.number(floor))" }
        if augserve.predictor == .oracle { label += "-oracle" }
        return label
    }

    /// AugServe with each component switched off in turn, and with the oracle predictor (SPEC §5's ablations).
    public static func augserveAblations(of base: AugServeParameters) -> [PolicyConfiguration] {
        var variants: [AugServeParameters] = []
        var noStageOne = base; noStageOne.usesStageOne = false; variants.append(noStageOne)
        var noStageTwo = base; noStageTwo.usesStageTwo = false; variants.append(noStageTwo)
        var noTriage = base; noTriage.usesTriage = false; variants.append(noTriage)
        var staticBudget = base; staticBudget.usesDynamicBudget = false; variants.append(staticBudget)
        var noCache = base; noCache.usesPrefixCache = false; variants.append(noCache)
        var noSkip = base; noSkip.skipsUnfitRequests = false; variants.append(noSkip)
        var oracle = base; oracle.predictor = .oracle; variants.append(oracle)
        return variants.map { PolicyConfiguration(kind: .augserve, augserve: $0) }
    }
}
