import ArgumentParser
import Foundation
import Measurement
import ServingCore
import Simulation
import Workloads

/// The `simulate` options, validated and resolved into a sweep plan. Every bad value becomes a
/// one-line error naming the option and the value.
struct SimulationRequest {
    /// What `augserve simulate` runs with no options: the memory-tight preset, rates around the
    /// baselines' knee, a window short enough to finish in well under a minute.
    static let defaultPreset = "gptj-6b-rtx4090"
    static let defaultRates = "1,1.5,2"
    static let defaultDuration = "30m"
    /// `--compare`'s seeds unless `--seeds` says otherwise.
    static let defaultComparisonSeedCount = 5
    static let maxSeedCount = 100

    let plan: SweepPlan
    /// The sweep at every seed, with the sustainable-rate searches.
    let seededPlan: SeededComparisonPlan
    let searchesSustainableRates: Bool
    let preset: HardwarePreset?
    let headline: String
    /// `--compare`'s bursty runs (Gamma arrivals at one rate).
    let burstyProcesses: [ArrivalProcess]
    let burstyRate: Double

    init(_ options: SimulateCommand) throws {
        let kinds = options.compare
            ? [.vllm, .vllmAPC, .infercept, .augserve]
            : try Self.policies(options)
        let rates = try Self.rates(options)
        let augserve = try options.augserve.parameters()
        let window = try Self.duration(options.duration, option: "--duration")
        let drain = try options.maxDrain.map { try Self.duration($0, option: "--max-drain", allowZero: true) }
        let (preset, hardware) = try Self.hardware(options)
        let workload = try Self.workload(options)
        let processes = try rates.map { rate in try Self.process(options, rate: rate) }
        let ttft = try Self.duration(options.ttftSlo, option: "--ttft-slo")
        guard options.normlatFactor > 0, options.normlatFactor.isFinite else {
            throw ValidationError("invalid --normlat-factor \(options.normlatFactor): must be > 0")
        }
        var settings = SimulationSettings(
            policy: PolicyConfiguration(kind: kinds[0]), hardware: hardware, window: window, maxDrain: drain,
            slo: SLOConfig(maxTTFT: ttft, normalizedLatencyFactor: options.normlatFactor, singleIterationTime: hardware.cost.singleIterationTime))
        settings.blockSize = options.blockSize
        if let tokens = options.maxBatchedTokens, !(1...SchedulerLimits.maxTokenBudget).contains(tokens) {
            throw ValidationError("invalid --max-batched-tokens \(tokens): must be in 1...\(SchedulerLimits.maxTokenBudget)")
        }
        settings.maxBatchedTokenCount = options.maxBatchedTokens
        settings.maxRunningRequestCount = options.maxRunning
        settings.maxContextLength = workload.contextLimit
        settings.checksInvariants = options.checkInvariants
        for kind in kinds {
            var check = settings
            check.policy = PolicyConfiguration(kind: kind, augserve: augserve)
            do { try check.validate() } catch { throw ValidationError("\(error)") }
        }
        if let jobs = options.jobs, jobs < 1 { throw ValidationError("invalid --jobs \(jobs): must be ≥ 1") }
        var configurations = kinds.map { PolicyConfiguration(kind: $0, augserve: augserve) }
        if options.ablations { configurations += PolicyConfiguration.augserveAblations(of: augserve) }
        let burstyRate = options.burstyRate ?? rates[rates.count / 2]
        self.burstyRate = burstyRate
        burstyProcesses = try Self.cvList(options.burstyCv).map { cv in
            let process = ArrivalProcess.gamma(ratePerSecond: burstyRate, coefficientOfVariation: cv)
            do { try process.validate() } catch { throw ValidationError("\(error)") }
            return process
        }
        plan = SweepPlan(
            policies: configurations, arrivalProcesses: processes, workload: workload,
            workloadName: workload.name, settings: settings, seed: options.seed)
        let seeds = try Self.seeds(options)
        searchesSustainableRates = !options.noSearch && (options.compare || rates.count > 1)
        var seeded = SeededComparisonPlan(sweep: plan, seeds: seeds, searchedPolicies: searchesSustainableRates ? nil : [])
        seeded.keepsRecords = options.records != nil
        seededPlan = seeded
        self.preset = preset
        headline = "\(workload.name) (\(workload.requests.count) requests) on \(hardware.presetName): "
            + "\(hardware.kvCapacityTokenCount) KV tokens, window \(options.duration), seed \(options.seed); SLO \(settings.slo)"
    }

    /// `--seed`, `--seed`+1, … (`--seeds` of them), without wrapping past the largest seed.
    static func seeds(_ options: SimulateCommand) throws -> [UInt64] {
        let count = options.seeds ?? (options.compare ? defaultComparisonSeedCount : 1)
        guard (1...maxSeedCount).contains(count) else {
            throw ValidationError("invalid --seeds \(count): must be in 1...\(maxSeedCount)")
        }
        guard options.seed <= UInt64.max - UInt64(count - 1) else {
            throw ValidationError("invalid --seeds \(count): --seed \(options.seed) + \(count - 1) is past the largest seed")
        }
        return (0..<UInt64(count)).map { options.seed + $0 }
    }

    static func policies(_ options: SimulateCommand) throws -> [PolicyKind] {
        if options.policy != nil && options.policies != nil {
            throw ValidationError("give either --policy or --policies, not both")
        }
        return try policyKinds(options.policy ?? options.policies ?? "vllm,vllm-apc,infercept,augserve")
    }

    static func policyKinds(_ text: String) throws -> [PolicyKind] {
        var kinds: [PolicyKind] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = PolicyKind(rawValue: trimmed) else {
                let known = PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("unknown policy '\(trimmed)' (known: \(known))")
            }
            kinds.append(kind)
        }
        return kinds
    }

    static func cvList(_ text: String) throws -> [Double] {
        do { return try RateList.parse(text) } catch {
            throw ValidationError("invalid --bursty-cv '\(text)': \(error.reason)")
        }
    }

    static func rates(_ options: SimulateCommand) throws -> [Double] {
        if options.rate != nil && options.rates != nil { throw ValidationError("give either --rate or --rates, not both") }
        let rates: [Double]
        if let rate = options.rate {
            rates = [rate]
        } else if let text = options.rates {
            do { rates = try RateList.parse(text) } catch {
                throw ValidationError("invalid --rates '\(text)': \(error.reason)")
            }
        } else {
            rates = try RateList.parse(defaultRates)
        }
        for rate in rates where !(rate > 0 && rate.isFinite) {
            throw ValidationError("invalid rate \(Format.number(rate)): must be a positive number of requests per second")
        }
        let maxRate = ArrivalProcess.maxRatePerSecond
        for rate in rates where rate > maxRate {
            throw ValidationError("invalid rate \(Format.number(rate)): must be at most \(Format.number(maxRate)) requests per second")
        }
        return rates
    }

    static func duration(_ text: String, option: String, allowZero: Bool = false) throws -> Duration {
        guard let parsed = DurationArgument(argument: text)?.duration else {
            throw ValidationError("invalid \(option) '\(text)': expected a duration such as 30m, 90s or 1h")
        }
        guard parsed > .zero || (allowZero && parsed == .zero) else {
            throw ValidationError("invalid \(option) '\(text)': must be \(allowZero ? "≥ 0" : "> 0")")
        }
        return parsed
    }

    static func hardware(_ options: SimulateCommand) throws -> (HardwarePreset?, SimulatedHardware) {
        if let path = options.hardware {
            let preset = try HardwareFile.load(path)
            return (preset, preset.derive())
        }
        guard let preset = HardwarePreset.named(options.preset) else {
            let known = HardwarePreset.all.map(\.name).joined(separator: ", ")
            throw ValidationError("unknown preset '\(options.preset)' (known: \(known))")
        }
        return (preset, preset.derive())
    }

    static func workload(_ options: SimulateCommand) throws -> Workload {
        do {
            if let path = options.workloadFile {
                return try InferCeptDataset.load(contentsOf: URL(fileURLWithPath: path))
            }
            return try InferCeptDataset.bundled()
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func process(_ options: SimulateCommand, rate: Double) throws -> ArrivalProcess {
        let process: ArrivalProcess
        switch options.arrivals {
        case "poisson": process = .poisson(ratePerSecond: rate)
        case "gamma": process = .gamma(ratePerSecond: rate, coefficientOfVariation: options.cv)
        default: throw ValidationError("unknown --arrivals '\(options.arrivals)' (known: poisson, gamma)")
        }
        do { try process.validate() } catch { throw ValidationError(error.description) }
        return process
    }
}
