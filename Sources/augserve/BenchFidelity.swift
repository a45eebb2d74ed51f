import ArgumentParser
import Foundation
import LoadGenerator
import Measurement
import ServingCore
import Simulation
import Workloads

/// The simulator against the live runs: the same scaled workload, arrivals (same seed), window,
/// drain limit, SLO and policy settings as the live server, on the fitted CPU preset
/// (`augserve profile`), rate by rate.
enum BenchFidelity {
    struct Row {
        var policy: String
        var rate: Double
        var live: BenchRun
        var simulated: RunSummary
        /// The same run simulated with the cost model the live server had fitted to its own
        /// steps by the end of its runs (nil when it reported none).
        var simulatedWithLiveFit: RunSummary?
    }

    /// `liveCosts`: each policy's server's own fitted cost model at the end of its runs.
    static func simulate(
        _ runs: [BenchRun], presetPath: String, settings: BenchCommand.Settings, workload: Workload, slo: SLOConfig,
        liveCosts: [String: IterationCostModel] = [:]
    ) throws -> [Row] {
        let preset = try HardwareFile.load(presetPath)
        var hardware = preset.derive()
        // The live pool, whatever the profile's: the comparison is of one configuration.
        hardware.kvCapacityTokenCount = settings.kvCacheTokens / 16 * 16
        var rows: [Row] = []
        for run in runs {
            let labels = run.summary.labels
            guard let kind = PolicyKind(rawValue: labels.policy) else { continue }
            let profiled = try simulateOne(run, kind: kind, hardware: hardware, preset: preset.name, settings: settings, workload: workload, slo: slo)
            var withLiveFit: RunSummary?
            if let live = liveCosts[labels.policy] {
                var refitted = hardware
                refitted.cost = live
                refitted.swapBudget = SwapBudget.derived(from: live, chunkTokenCount: HardwarePreset.swapBudgetChunkTokenCount)
                withLiveFit = try simulateOne(run, kind: kind, hardware: refitted, preset: "live-fit", settings: settings, workload: workload, slo: slo)
            }
            rows.append(Row(policy: labels.policy, rate: labels.rate, live: run, simulated: profiled, simulatedWithLiveFit: withLiveFit))
        }
        return rows
    }

    private static func simulateOne(
        _ run: BenchRun, kind: PolicyKind, hardware: SimulatedHardware, preset: String, settings: BenchCommand.Settings,
        workload: Workload, slo: SLOConfig
    ) throws -> RunSummary {
        let labels = run.summary.labels
        // As `ServingStack` configures the live server: history predictors everywhere.
        var policy = PolicyConfiguration(kind: kind, interceptPredictor: .history)
        policy.augserve.predictor = .history
        var simulation = SimulationSettings(policy: policy, hardware: hardware, window: settings.plan.window, maxDrain: settings.drainLimit, slo: slo)
        simulation.maxContextLength = min(2048, settings.kvCacheTokens)
        let arrivals: [ArrivingRequest]
        do { arrivals = try settings.plan.arrivals(rate: labels.rate, workload: workload) } catch { throw ValidationError(error.description) }
        var simulator = try SimulationRun(
            settings: simulation,
            labels: RunLabels(policy: labels.policy, preset: preset, workload: labels.workload, rate: labels.rate, seed: labels.seed, window: labels.window))
        return try simulator.run(arrivals).summary
    }

    /// Live against simulated, rate by rate: on the profiled preset, and (where the live servers
    /// reported it) on the cost model each server fitted to its own steps while serving.
    static func table(_ rows: [Row], presetPath: String) -> String {
        func f(_ v: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", v) }
        func delta(_ sim: Double, _ live: Double) -> String { live > 0 ? String(format: "%+.0f%%", (sim - live) / live * 100) : (sim == 0 ? "0%" : "—") }
        func within(_ sim: RunSummary, _ live: BenchRun) -> Bool {
            let g = (live.summary.goodputPerSecond, sim.goodputPerSecond), t = (live.ttft.mean, sim.ttft.mean)
            return abs(g.1 - g.0) <= 0.15 * max(g.0, 1e-9) && abs(t.1 - t.0) <= 0.15 * max(t.0, 1e-9)
        }
        let hasLiveFit = rows.contains { $0.simulatedWithLiveFit != nil }
        var lines = [
            "Simulated with `simulate --hardware \(presetPath)` semantics: same workload, arrivals, window, drain limit, SLO and KV pool."
                + (hasLiveFit ? " \"live fit\": the same, with the cost model each live server fitted to its own steps by the end of its runs." : ""),
            "",
            "| policy | rate | goodput live | goodput sim | Δ | TTFT mean live (s) | TTFT mean sim (s) | Δ | within 15% |"
                + (hasLiveFit ? " goodput sim, live fit | Δ | TTFT mean sim, live fit (s) | Δ | within 15% |" : ""),
            "|---|---|---|---|---|---|---|---|---|" + (hasLiveFit ? "---|---|---|---|---|" : ""),
        ]
        var profiledWithin = 0, liveFitWithin = 0
        for row in rows {
            let live = row.live, sim = row.simulated
            let ok = within(sim, live)
            if ok { profiledWithin += 1 }
            var line = "| \(row.policy) | \(Format.number(row.rate, decimals: 3)) | \(f(live.summary.goodputPerSecond)) | \(f(sim.goodputPerSecond)) | "
                + "\(delta(sim.goodputPerSecond, live.summary.goodputPerSecond)) | \(f(live.ttft.mean)) | \(f(sim.ttft.mean)) | \(delta(sim.ttft.mean, live.ttft.mean)) | \(ok ? "yes" : "no") |"
            if hasLiveFit {
                if let refit = row.simulatedWithLiveFit {
                    let okRefit = within(refit, live)
                    if okRefit { liveFitWithin += 1 }
                    line += " \(f(refit.goodputPerSecond)) | \(delta(refit.goodputPerSecond, live.summary.goodputPerSecond)) | \(f(refit.ttft.mean)) | \(delta(refit.ttft.mean, live.ttft.mean)) | \(okRefit ? "yes" : "no") |"
                } else {
                    line += " — | — | — | — | — |"
                }
            }
            lines.append(line)
        }
        lines.append("")
        lines.append("\(profiledWithin) of \(rows.count) (policy, rate) pairs within 15% on both goodput and mean TTFT on the profiled preset"
            + (hasLiveFit ? "; \(liveFitWithin) of \(rows.count) with the live servers' own fits." : "."))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per policy: the cost model its live server fitted by the end of its runs.
    static func liveFitLines(_ costs: [(policy: String, cost: IterationCostModel)]) -> String {
        costs.map { entry in
            let c = entry.cost
            return "- \(entry.policy): " + String(
                format: "c = %.3f ms, a = %.4f ms/token, k = %.3f µs/context token, w = %.3f ms/sampled sequence, swap %.2f GB/s",
                c.fixed.seconds * 1e3, c.perToken.seconds * 1e3, c.perContextToken.seconds * 1e6, c.perSampledSequence.seconds * 1e3,
                c.swapBytesPerSecond / 1e9)
        }.joined(separator: "\n") + "\n"
    }
}
