import APIServer
import ArgumentParser
import Foundation
import LoadGenerator
import Measurement
import ServerAssembly
import ServingCore
import Transformer
import Workloads

/// `augserve bench --compare`: the server started in this process once per policy (same model,
/// KV pool, seed and workload), the SLO derived from the idle server, every rate measured, one report.
struct BenchComparison {
    var settings: BenchCommand.Settings
    var filler: FillerText
    var modelPath: String
    static let unloadedSampleSize = 12

    func progress(_ text: String) { FileHandle.standardError.write(Data("bench: \(text)\n".utf8)) }

    func run() async throws {
        let workload: Workload
        do { workload = try settings.plan.workload() } catch { throw ValidationError(error.description) }
        var slo = settings.slo
        var derivation: SLODerivation?
        var runs: [BenchRun] = []
        var serverLine = ""
        var kernels: KernelThresholds?
        var liveCosts: [(policy: String, cost: IterationCostModel)] = []
        let started = ContinuousClock.now
        for policy in settings.policies {
            var serve = ServeSettings(modelPath: modelPath)
            serve.policy = policy
            serve.threads = settings.threads
            serve.kvCacheTokens = settings.kvCacheTokens
            serve.maxModelLength = min(2048, settings.kvCacheTokens)
            serve.server.port = 0
            // Measured by the first server; every later one runs the same kernels.
            serve.kernelThresholds = kernels
            let server = try await InProcessServer.start(serve)
            let stack = server.stack
            kernels = stack.kernelThresholds
            serverLine = stack.description.replacingOccurrences(of: "policy \(policy.rawValue)", with: "policy per run")
            let base = server.base
            progress("\(policy): serving at \(base)")
            if slo == nil {
                progress("deriving the SLO: \(Self.unloadedSampleSize) requests sent one at a time to the idle server")
                var probe = LoadRun(baseURL: base, target: settings.target, filler: filler)
                probe.concurrency = 1
                probe.drainLimit = .seconds(600)
                let sample = settings.plan.unloadedSample(workload, count: Self.unloadedSampleSize)
                let records: [ClientRecord]
                do { records = try await probe.run(sample, window: .zero) { _ in } } catch { throw ValidationError(error.description) }
                let derived = SLODerivation(samples: records)
                do { slo = try derived.slo() } catch { throw ValidationError(error.description) }
                derivation = derived
                progress(derived.explanation)
                _ = await stack.engine.waitUntilIdle(timeout: .seconds(60))
            }
            guard let slo else { return }
            for rate in settings.rates {
                runs.append(try await settings.measure(rate: rate, base: base, label: policy.rawValue, workload: workload, filler: filler, slo: slo))
                // The next rate starts from an idle server (aborted stragglers and paused sessions gone).
                _ = await stack.engine.waitUntilIdle(timeout: .seconds(120))
            }
            if let cost = stack.engine.snapshot.cost { liveCosts.append((policy.rawValue, cost)) }
            await server.stop()
        }
        guard let slo else { return }
        let wall = (ContinuousClock.now - started).secondsValue
        var extra = ["server: \(serverLine); started in this process per policy", "wall time: \(String(format: "%.0f", wall)) s"]
        if let derivation { extra.append("SLO derivation: \(derivation.explanation)") }
        let configuration = BenchOutput.configurationLines(settings, slo: slo, extra: extra)
        let comparison = Self.comparison(runs)
        print(comparison)
        var sections = "\n## Side by side\n\n" + comparison
        if let path = settings.fidelity {
            progress("simulating every live run on \(path)")
            let rows = try BenchFidelity.simulate(
                runs, presetPath: path, settings: settings, workload: workload, slo: slo,
                liveCosts: Dictionary(liveCosts.map { ($0.policy, $0.cost) }, uniquingKeysWith: { $1 }))
            let table = BenchFidelity.table(rows, presetPath: path)
            print(table)
            sections += "\n## Simulator fidelity\n\n" + table
            sections += "\nThe cost models the live servers had fitted to their own steps by the end of their runs:\n\n" + BenchFidelity.liveFitLines(liveCosts)
        }
        try BenchOutput.write(runs, title: "augserve bench --compare", configuration: configuration, settings: settings, charts: true, sections: sections)
    }

    /// One row per rate: each policy's (or server's) goodput, attainment, mean and p95 TTFT, mean
    /// normalized latency; then the reference's goodput ratio against each other one — `augserve`
    /// where it ran, else the first label.
    static func comparison(_ runs: [BenchRun]) -> String {
        let policies = runs.map(\.summary.labels.policy).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let rates = Array(Set(runs.map(\.summary.labels.rate))).sorted()
        func f(_ v: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", v) }
        var lines = ["| rate | policy | goodput/s | attainment | TTFT mean (s) | TTFT p95 (s) | normlat mean (s/token) | failed |", "|---|---|---|---|---|---|---|---|"]
        for rate in rates {
            for policy in policies {
                guard let run = runs.first(where: { $0.summary.labels.rate == rate && $0.summary.labels.policy == policy }) else { continue }
                lines.append("| \(Format.number(rate, decimals: 3)) | \(policy) | \(f(run.summary.goodputPerSecond)) | \(f(run.summary.attainment)) | \(f(run.ttft.mean)) | \(f(run.ttft.percentile(95))) | \(f(run.normalizedLatency.mean, 4)) | \(run.failures.reduce(0) { $0 + $1.count }) |")
            }
        }
        if let reference = policies.contains("augserve") ? "augserve" : policies.first, policies.count > 1 {
            lines.append("")
            for rate in rates {
                guard let mine = runs.first(where: { $0.summary.labels.rate == rate && $0.summary.labels.policy == reference }) else { continue }
                let ratios = policies.filter { $0 != reference }.compactMap { policy -> String? in
                    guard let other = runs.first(where: { $0.summary.labels.rate == rate && $0.summary.labels.policy == policy }) else { return nil }
                    let ratio = other.summary.goodputPerSecond > 0 ? f(mine.summary.goodputPerSecond / other.summary.goodputPerSecond, 2) + "×" : "∞ (baseline 0)"
                    let ttft = other.ttft.mean > 0 ? f((1 - mine.ttft.mean / other.ttft.mean) * 100, 0) + "% lower mean TTFT" : ""
                    return "\(policy) \(ratio), \(ttft)"
                }
                lines.append("- at \(Format.number(rate, decimals: 3)) req/s, \(reference) goodput vs " + ratios.joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
