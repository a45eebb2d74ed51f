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
    }

    static func simulate(_ runs: [BenchRun], presetPath: String, settings: BenchCommand.Settings, workload: Workload, slo: SLOConfig) throws -> [Row] {
        let preset = try HardwareFile.load(presetPath)
        var hardware = preset.derive()
        // The live pool, whatever the profile's: the comparison is of one configuration.
        hardware.kvCapacityTokenCount = settings.kvCacheTokens / 16 * 16
        var rows: [Row] = []
        for run in runs {
            let labels = run.summary.labels
            guard let kind = PolicyKind(rawValue: labels.policy) else { continue }
            // As `ServingStack` configures the live server: history predictors everywhere.
            var policy = PolicyConfiguration(kind: kind, interceptPredictor: .history)
            policy.augserve.predictor = .history
            var simulation = SimulationSettings(policy: policy, hardware: hardware, window: settings.plan.window, maxDrain: settings.drainLimit, slo: slo)
            simulation.maxContextLength = min(2048, settings.kvCacheTokens)
            let arrivals: [ArrivingRequest]
            do { arrivals = try settings.plan.arrivals(rate: labels.rate, workload: workload) } catch { throw ValidationError(error.description) }
            var simulator = try SimulationRun(settings: simulation, labels: RunLabels(policy: labels.policy, preset: preset.name, workload: labels.workload, rate: labels.rate, seed: labels.seed, window: labels.window))
            let result = try simulator.run(arrivals)
            rows.append(Row(policy: labels.policy, rate: labels.rate, live: run, simulated: result.summary))
        }
        return rows
    }

    static func table(_ rows: [Row], presetPath: String) -> String {
        func f(_ v: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", v) }
        func delta(_ sim: Double, _ live: Double) -> String { live > 0 ? String(format: "%+.0f%%", (sim - live) / live * 100) : (sim == 0 ? "0%" : "—") }
        var lines = [
            "Simulated with `simulate --hardware \(presetPath)` semantics: same workload, arrivals, window, drain limit, SLO and KV pool.", "",
            "| policy | rate | goodput live | goodput sim | Δ | TTFT mean live (s) | TTFT mean sim (s) | Δ | within 15% |", "|---|---|---|---|---|---|---|---|---|",
        ]
        var within = 0
        for row in rows {
            let g = (row.live.summary.goodputPerSecond, row.simulated.goodputPerSecond)
            let t = (row.live.ttft.mean, row.simulated.ttft.mean)
            let ok = abs(g.1 - g.0) <= 0.15 * max(g.0, 1e-9) && abs(t.1 - t.0) <= 0.15 * max(t.0, 1e-9)
            if ok { within += 1 }
            lines.append("| \(row.policy) | \(Format.number(row.rate, decimals: 3)) | \(f(g.0)) | \(f(g.1)) | \(delta(g.1, g.0)) | \(f(t.0)) | \(f(t.1)) | \(delta(t.1, t.0)) | \(ok ? "yes" : "no") |")
        }
        lines.append("")
        lines.append("\(within) of \(rows.count) (policy, rate) pairs within 15% on both goodput and mean TTFT.")
        return lines.joined(separator: "\n") + "\n"
    }
}
