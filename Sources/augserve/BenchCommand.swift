import ArgumentParser
import Foundation
import LoadGenerator
import Measurement
import ModelFiles
import ServerAssembly
import ServingCore
import Tokenization

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load generator for OpenAI-compatible servers: goodput, SLO attainment and latencies under an augmented workload.",
        discussion: """
            Sends the (scaled) InferCept mixture or a synthetic workload to --url with Poisson (or Gamma, \
            --burstiness CV) arrivals over --duration at each rate, at most --concurrency requests in flight, \
            then waits up to --drain-limit for the last ones (the rest count as missed). \
            --target augserve plays each call on the server (the trace-replay extension); --target generic \
            plays it in the client: it waits the call's duration and sends the context back with the call's \
            returned tokens (any server with /v1/completions and ignore_eos). Metrics as SPEC §7 (TTFT, \
            normalized latency with calls removed, goodput and attainment under the SLO) and as `vllm bench \
            serve` (TTFT, ITL, TPOT, E2E latency; --goodput ttft:MS tpot:MS e2el:MS); a progress line on \
            stderr. --out DIR writes report.md, runs.csv and runs.json (the simulator's columns) and records.csv.
            With --compare, no --url: the server is started in this process once per policy (same model, KV \
            pool, seed and workload), the SLO is derived from the idle server (5× the worst unloaded TTFT and \
            normalized latency), and one comparison report is written. --quick: vllm and augserve, two rates, \
            30 s windows (a few minutes).
            Examples:
              augserve bench --compare --quick
              augserve bench --url http://127.0.0.1:8000 --target generic --rates 1,2,4 --duration 2m --out bench-out
              augserve bench --url ours=http://127.0.0.1:8000,llama.cpp=http://127.0.0.1:8200 --target generic --rates 1,2
              augserve bench --url extension=http://127.0.0.1:8000,generic=http://127.0.0.1:8000 --target augserve,generic
            Several servers: at each rate every server is measured in turn (the order reversed at every \
            other rate), and a side-by-side table and charts are written; --target may give one mode per \
            server, so one server can be measured in both modes in one run.
            """)

    @Option(help: "Server to measure, e.g. http://127.0.0.1:8000; several as LABEL=URL,LABEL=URL are measured in one run, taking turns at each rate (not with --compare).")
    var url: String?

    @Option(help: "How calls are played: augserve (server-side trace replay) or generic (client-side tool round trips); with several --url servers, one per server (e.g. augserve,generic).")
    var target: String = "augserve"

    @Option(help: "Workload: infercept (the bundled mixture) or synthetic.")
    var workload: String = "infercept"

    @Option(help: "Arrival rate, requests/s (default 1; --compare: 1,3).")
    var rate: Double?

    @Option(help: "Comma-separated rates; 'a:b:step' expands to a range.")
    var rates: String?

    @Option(help: "Arrival window per rate, e.g. 60s.")
    var duration: String = "60s"

    @Option(help: "Requests in flight at most.")
    var concurrency = 64

    @Option(help: "After the window, how long the last requests may take before they count as missed.")
    var drainLimit: String = "60s"

    @Option(help: "Gamma arrivals with this coefficient of variation (default: Poisson).")
    var burstiness: Double?

    @Option(help: "Seed of the arrivals and request draws.")
    var seed: UInt64 = 1

    @Option(help: "Factor applied to every token count of the workload (prompt, decode, returned).")
    var tokenScale: Double = 0.1

    @Option(help: "Factor applied to every call duration of the workload.")
    var callScale: Double = 0.1

    @Option(help: "SLO: largest TTFT, e.g. 2s (default 1s; --compare derives it).")
    var sloTTFT: String?

    @Option(help: "SLO: largest normalized latency (per output token, calls removed), e.g. 0.1s (default 0.1s; --compare derives it).")
    var sloNormlat: String?

    @Option(parsing: .upToNextOption, help: "vllm bench serve's goodput thresholds, e.g. ttft:500 tpot:50 e2el:10000 (milliseconds).")
    var goodput: [String] = []

    @Option(help: "Directory for report.md, runs.csv, runs.json and records.csv.")
    var out: String?

    @Option(help: "Label of this server's runs in the report.")
    var label: String = "server"

    @Flag(help: "Start the server in this process once per --policies and compare them (no --url).")
    var compare = false

    @Flag(help: "With --compare: vllm and augserve, rates 1 and 3, 30 s windows, 20 s drain.")
    var quick = false

    @Option(help: "With --compare: policies, comma-separated.")
    var policies: String = "vllm,vllm-apc,infercept,augserve"

    @Option(help: "With --compare: the server's KV pool in tokens (small, so that calls create memory pressure).")
    var kvCacheTokens = 2048

    @Option(help: "With --compare: CPU threads of the server.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "With --compare: also simulate every live run on this hardware file (from `augserve profile`) and report the simulator's fidelity.")
    var fidelity: String?

    @Option(help: "GGUF model file for the tokenizer (and the server with --compare).")
    var model: String?

    func run() async throws {
        let settings = try validatedSettings()
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(file: try GGUFFile(path: ModelLoading.resolvePath(model))) } catch {
            throw ValidationError("cannot load the tokenizer: \(error); \(DefaultModel.installHint)")
        }
        let filler = FillerText(tokenizer: tokenizer)
        if compare {
            try await BenchComparison(settings: settings, filler: filler, modelPath: ModelLoading.resolvePath(model)).run()
        } else {
            try await runAgainstURL(settings, filler: filler)
        }
    }

    /// Everything the options say, validated once.
    struct Settings: Sendable {
        var plan: BenchPlan
        var target: BenchTarget
        var rates: [Double]
        var concurrency: Int
        var drainLimit: Duration
        var slo: SLOConfig?
        var goodput: VLLMGoodput
        var out: String?
        var label: String
        var policies: [PolicyKind]
        var kvCacheTokens: Int
        var threads: Int
        var servers: [BenchServer]
        var fidelity: String?
    }

    func validatedSettings() throws -> Settings {
        guard let source = BenchPlan.Source(rawValue: workload) else { throw ValidationError("invalid --workload '\(workload)': expected infercept or synthetic") }
        guard let window = DurationArgument(argument: quick ? "30s" : duration)?.duration, window > .zero, window <= .seconds(86_400) else {
            throw ValidationError("invalid --duration \(duration): expected a duration in (0, 24h], e.g. 60s")
        }
        guard let drain = DurationArgument(argument: quick ? "20s" : drainLimit)?.duration, drain >= .zero, drain <= .seconds(86_400) else {
            throw ValidationError("invalid --drain-limit \(drainLimit): expected a duration in 0...24h")
        }
        guard (1...10_000).contains(concurrency) else { throw ValidationError("invalid --concurrency \(concurrency): must be in 1...10000") }
        if rate != nil && rates != nil { throw ValidationError("give either --rate or --rates, not both") }
        var rateValues: [Double]
        if let rate { rateValues = [rate] } else if let rates {
            do { rateValues = try RateList.parse(rates) } catch { throw ValidationError("invalid --rates '\(rates)': \(error.reason)") }
        } else { rateValues = compare ? [1, 3] : [1] }
        if quick { rateValues = rate == nil && rates == nil ? [1, 3] : rateValues }
        for value in rateValues where !(value.isFinite && value > 0 && value <= 10_000) {
            throw ValidationError("invalid rate \(value): must be in (0, 10000] requests/s")
        }
        if let burstiness, !(burstiness.isFinite && burstiness > 0 && burstiness <= 100) {
            throw ValidationError("invalid --burstiness \(burstiness): must be in (0, 100]")
        }
        var plan = BenchPlan()
        plan.source = source
        plan.window = window
        plan.seed = seed
        plan.burstiness = burstiness
        plan.scale = WorkloadScale(tokens: tokenScale, callDuration: callScale, contextLimit: 2048)
        do { try plan.scale.validate() } catch { throw ValidationError(error.description) }
        func parsedDuration(_ text: String?, _ name: String) throws -> Duration? {
            guard let text else { return nil }
            guard let value = DurationArgument(argument: text)?.duration, value > .zero, value <= .seconds(86_400) else {
                throw ValidationError("invalid \(name) \(text): expected a positive duration, e.g. 1s or 250ms")
            }
            return value
        }
        let ttft = try parsedDuration(sloTTFT, "--slo-ttft")
        let normlat = try parsedDuration(sloNormlat, "--slo-normlat")
        let slo: SLOConfig? = compare && ttft == nil && normlat == nil
            ? nil : SLOConfig(maxTTFT: ttft ?? .seconds(1), normalizedLatencyFactor: 1, singleIterationTime: normlat ?? .milliseconds(100))
        let thresholds: VLLMGoodput
        do { thresholds = try VLLMGoodput(parsing: goodput) } catch { throw ValidationError(error.description) }
        guard let policyList = PolicyList(argument: quick ? "vllm,augserve" : policies) else {
            throw ValidationError("invalid --policies '\(policies)': expected names from \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (64...10_000_000).contains(kvCacheTokens) else { throw ValidationError("invalid --kv-cache-tokens \(kvCacheTokens): must be in 64...10000000") }
        guard (1...256).contains(threads) else { throw ValidationError("invalid --threads \(threads): must be in 1...256") }
        var servers: [BenchServer] = []
        let target: BenchTarget
        if compare {
            guard url == nil else { throw ValidationError("--compare starts its own servers: leave out --url") }
            guard let one = BenchTarget(rawValue: self.target) else {
                throw ValidationError("invalid --target '\(self.target)': expected augserve or generic (one, with --compare)")
            }
            target = one
        } else {
            guard let url else {
                throw ValidationError("missing --url: give the server to measure, e.g. --url http://127.0.0.1:8000 (or use --compare)")
            }
            do { servers = try BenchServer.parseList(url, defaultLabel: label) } catch {
                throw ValidationError("invalid --url '\(url)': \(error.reason)")
            }
            do { (target, servers) = try BenchServer.assignTargets(self.target, to: servers) } catch {
                throw ValidationError("invalid --target '\(self.target)': \(error.reason)")
            }
        }
        if quick && !compare { throw ValidationError("--quick goes with --compare") }
        if fidelity != nil && !compare { throw ValidationError("--fidelity goes with --compare") }
        if let fidelity { _ = try HardwareFile.load(fidelity) }
        return Settings(
            plan: plan, target: target, rates: rateValues, concurrency: concurrency, drainLimit: drain, slo: slo, goodput: thresholds,
            out: out, label: label, policies: policyList.kinds, kvCacheTokens: kvCacheTokens, threads: threads, servers: servers, fidelity: fidelity)
    }

    /// Every rate against every server, the servers taking turns (reversed at every other rate).
    private func runAgainstURL(_ settings: Settings, filler: FillerText) async throws {
        guard !settings.servers.isEmpty, let slo = settings.slo else { return }
        let workload: Workload
        do { workload = try settings.plan.workload() } catch { throw ValidationError(error.description) }
        var runs: [BenchRun] = []
        for (round, rate) in settings.rates.enumerated() {
            for server in BenchServer.order(settings.servers, round: round) {
                runs.append(try await settings.measure(
                    rate: rate, base: server.url, label: server.label, target: server.target, workload: workload, filler: filler, slo: slo))
            }
        }
        let several = settings.servers.count > 1
        let serverLines = settings.servers.map { "server \($0.label): \($0.url)" + ($0.target.map { " (target \($0.rawValue))" } ?? "") }
            + (several ? ["servers take turns at each rate, the order reversed at every other rate"] : [])
        let configuration = BenchOutput.configurationLines(settings, slo: slo, extra: serverLines)
        var sections = ""
        if several {
            let comparison = BenchComparison.comparison(runs)
            print(comparison)
            sections = "\n## Side by side\n\n" + comparison
        }
        try BenchOutput.write(runs, title: "augserve bench", configuration: configuration, settings: settings, charts: several, sections: sections)
    }
}

import Workloads

extension BenchCommand.Settings {
    /// One run at `rate` against `base`: the plan's arrivals sent with these limits (calls played
    /// as `target`, default the bench's), summarised.
    func measure(
        rate: Double, base: String, label: String, target: BenchTarget? = nil, workload: Workload, filler: FillerText, slo: SLOConfig
    ) async throws -> BenchRun {
        let target = target ?? self.target
        let arrivals: [ArrivingRequest]
        do { arrivals = try plan.arrivals(rate: rate, workload: workload) } catch { throw ValidationError(error.description) }
        var load = LoadRun(baseURL: base, target: target, filler: filler)
        load.concurrency = concurrency
        load.drainLimit = drainLimit
        load.slo = slo
        FileHandle.standardError.write(Data("bench: \(label) at \(rate) req/s: \(arrivals.count) requests over \(plan.window)\n".utf8))
        let records: [ClientRecord]
        do {
            records = try await load.run(arrivals, window: plan.window) { FileHandle.standardError.write(Data("bench: \(label) @ \(rate): \($0)\n".utf8)) }
        } catch { throw ValidationError(error.description) }
        return BenchRun(records: records, labels: plan.labels(policy: label, target: target, rate: rate), slo: slo, goodput: goodput)
    }
}
