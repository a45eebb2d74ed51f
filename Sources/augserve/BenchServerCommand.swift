import APIServer
import ArgumentParser
import Foundation
import ModelFiles
import ServerAssembly
import ServingCore
import Transformer

struct BenchServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-server",
        abstract: "Measure the HTTP server against the engine itself (use a release build).",
        discussion: """
            Starts the server in this process on a free loopback port and measures, each next to its \
            reference in the same run: aggregate decode tokens/s of --streams concurrent streaming \
            requests over HTTP against bench-model's figure for that many sequences (alternating, \
            --rounds times); unloaded time to first token over HTTP against the engine's own prefill \
            step for the same prompt; /metrics latency while the engine is saturated. Prints the CPU.
            """)

    @Option(help: "Scheduling policy of the server.")
    var policy: PolicyKind = .augserve

    @Option(help: "Concurrent streams.")
    var streams = 32

    @Option(help: "Tokens each stream generates.")
    var decodeTokens = 80

    @Option(help: "Alternating rounds of reference and HTTP measurement.")
    var rounds = 3

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() async throws {
        guard (1...256).contains(streams) else { throw ValidationError("invalid --streams \(streams): must be in 1...256") }
        guard (2...2000).contains(decodeTokens) else { throw ValidationError("invalid --decode-tokens \(decodeTokens): must be in 2...2000") }
        guard (1...20).contains(rounds) else { throw ValidationError("invalid --rounds \(rounds): must be in 1...20") }
        guard (1...256).contains(threads) else { throw ValidationError("invalid --threads \(threads): must be in 1...256") }
        var settings = ServeSettings(modelPath: ModelLoading.resolvePath(model))
        settings.policy = policy
        settings.threads = threads
        settings.server.port = 0
        settings.maxRunningRequests = max(256, streams)
        let llama: LlamaModel
        do { llama = try LlamaModel(path: settings.modelPath) } catch { throw ValidationError("cannot load the model: \(error)") }
        let server = try await InProcessServer.start(settings)
        let stack = server.stack
        print("cpu: \(CPUDescription.current)")
        print("server: \(stack.description)")
        var benchmark = ServerBenchmark()
        benchmark.streams = streams
        benchmark.decodeTokens = decodeTokens
        benchmark.rounds = rounds
        let result = try await benchmark.run(stack: stack, port: server.port, llama: llama, threads: threads) {
            FileHandle.standardError.write(Data("bench-server: \($0)\n".utf8))
        }
        await server.stop()
        report(result)
    }

    private func report(_ result: ServerBenchmark.Result) {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        let http = result.httpDecodeTokensPerSecond, reference = result.referenceDecodeTokensPerSecond
        let ratios = zip(http, reference).map { $0 / $1 }
        print("decode, \(result.streams) streams over HTTP (tokens/s, per round): \(http.map { f($0) }.joined(separator: ", "))")
        print("decode, \(result.streams) requests in the engine, no HTTP:     \(result.engineDecodeTokensPerSecond.map { f($0) }.joined(separator: ", "))")
        print("decode, \(result.streams) sequences, bench-model reference:   \(reference.map { f($0) }.joined(separator: ", "))")
        print("ratio HTTP / reference per round: \(ratios.map { f($0, 3) }.joined(separator: ", ")); median \(f(Self.median(ratios), 3))")
        let ttft = Self.median(result.clientTTFT) * 1000, prefill = Self.median(result.prefillStep) * 1000
        print("unloaded TTFT over HTTP (median of \(result.clientTTFT.count)): \(f(ttft, 2)) ms; engine prefill step: \(f(prefill, 2)) ms; overhead \(f(ttft - prefill, 2)) ms")
        let idle = result.metricsUnloaded.sorted()
        if !idle.isEmpty {
            print("/metrics unloaded: \(idle.count) scrapes, p50 \(f(Self.percentile(idle, 0.5) * 1000, 2)) ms, p99 \(f(Self.percentile(idle, 0.99) * 1000, 2)) ms")
        }
        let metrics = result.metricsLatency.sorted()
        if !metrics.isEmpty {
            print("/metrics while saturated: \(metrics.count) scrapes, p50 \(f(Self.percentile(metrics, 0.5) * 1000, 2)) ms, p99 \(f(Self.percentile(metrics, 0.99) * 1000, 2)) ms")
        }
        if result.failedRequests > 0 { print("failed streams: \(result.failedRequests)") }
    }

    static func median(_ values: [Double]) -> Double { percentile(values.sorted(), 0.5) }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(sorted.count - 1, low + 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}

/// The CPU's model name and vector extensions, for every printed figure.
enum CPUDescription {
    static var current: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let lines = info.split(separator: "\n")
        let name = lines.first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let flags = lines.first { $0.hasPrefix("flags") }.map { String($0) } ?? ""
        let vector = ["avx512f", "avx512_vnni", "avx2", "fma"].filter { flags.contains(" \($0)") }
        return "\(name), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(vector.joined(separator: " "))"
    }
}
