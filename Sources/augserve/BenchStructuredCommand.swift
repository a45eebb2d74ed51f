import ArgumentParser
import Foundation
import ModelFiles
import ServerAssembly
import StructuredOutput
import Tokenization

struct BenchStructuredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-structured",
        abstract: "Measure constrained-decoding mask computation on the model's vocabulary (use a release build).",
        discussion: """
            Loads the default model's tokenizer, builds the vocabulary trie (prints the build time), \
            then for a flat object, a nested object with arrays, an enum-heavy schema, json_object and \
            a tool-call grammar runs seeded random-logit generations, timing every mask computation: \
            mean / p50 / p99 / max per step and the slowest step inside a string and elsewhere. Three \
            runs: with the mask cache (shared by the generations of a schema, one timing per step, as a \
            server sees it), without the cache (one timing per step), and without the cache taking the \
            fastest of 3 timings per step (the cost of each state without preemption noise). Then \
            the decode slowdown: a server in this process on a free loopback port streams the same \
            chat prompt with a response_format JSON schema and without (alternating, --decode-rounds \
            times, at 1 and 8 concurrent streams) and prints decode tokens/s of each. Build with \
            `swift build -c release` first.
            """)

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    @Option(help: "Generations per schema.")
    var generations: Int = 20

    @Option(help: "Token cap per generation.")
    var maxTokens: Int = 1_000

    @Option(help: "Seed of the first generation (each next one adds 1).")
    var seed: UInt64 = 1

    @Option(help: "Alternating rounds of free and constrained streams over HTTP (0: skip the decode comparison).")
    var decodeRounds = 3

    func run() async throws {
        guard (1...100_000).contains(maxTokens) else { throw ValidationError("invalid --max-tokens \(maxTokens): must be in 1...100000") }
        guard (1...10_000).contains(generations) else { throw ValidationError("invalid --generations \(generations): must be in 1...10000") }
        guard (0...20).contains(decodeRounds) else { throw ValidationError("invalid --decode-rounds \(decodeRounds): must be in 0...20") }
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(file: try GGUFFile(path: ModelLoading.resolvePath(model)))
        } catch {
            throw ValidationError("cannot load the model: \(error); \(DefaultModel.installHint)")
        }
        let vocabulary = Self.vocabulary(of: tokenizer)
        let clock = ContinuousClock()
        let start = clock.now
        let cached = TokenTrie(vocabulary: vocabulary)
        let buildTime = clock.now - start
        let uncached = TokenTrie(vocabulary: vocabulary, cacheCapacity: 0)
        print("cpu: \(Self.cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("vocabulary: \(vocabulary.count) tokens (\(vocabulary.filter { $0 == nil }.count) never allowed), trie \(cached.nodeCount) nodes, built in \(Self.milliseconds(buildTime)) ms")
        print("\(generations) generations per schema, at most \(maxTokens) tokens each, seeds from \(seed)")
        print("load average: \(Self.loadAverage())")
        let scenarios = try MaskBenchmark.standardScenarios()
        let runs = [
            ("with mask cache", cached, 1), ("without mask cache", uncached, 1), ("without mask cache, fastest of 3 per step", uncached, 3),
        ]
        for (label, trie, repeats) in runs {
            print("\n\(label)")
            print(Self.header)
            let benchmark = MaskBenchmark(trie: trie, generationCount: generations, maxTokens: maxTokens, seed: seed, timingRepeats: repeats)
            benchmark.warmUp(scenarios)
            for scenario in scenarios { print(Self.row(benchmark.run(scenario))) }
        }
        print("\nhard states, without mask cache (mean and fastest of 1,000 computations)")
        print("state                                   allowed   mean ms   best ms")
        let stateBenchmark = MaskBenchmark(trie: uncached, timingRepeats: 1_000)
        for state in try MaskBenchmark.hardStates() {
            let timing = stateBenchmark.time(state)
            let name = timing.name.padding(toLength: 38, withPad: " ", startingAt: 0)
            print("\(name) \(Self.pad(String(timing.allowedCount), 8)) \(Self.pad(Self.milliseconds(timing.mean), 9)) \(Self.pad(Self.milliseconds(timing.best), 9))")
        }
        if decodeRounds > 0 { try await decodeSlowdown() }
    }

    /// Free against constrained streams on a real server (this process, loopback).
    private func decodeSlowdown() async throws {
        var settings = ServeSettings(modelPath: ModelLoading.resolvePath(model))
        settings.server.port = 0
        let server = try await InProcessServer.start(settings)
        var benchmark = ConstrainedDecodeBenchmark()
        benchmark.rounds = decodeRounds
        print("\ndecode slowdown over HTTP, server: \(server.stack.description)")
        print("schema: \(ConstrainedDecodeBenchmark.schema)")
        let rows = try await benchmark.run(port: server.port) { FileHandle.standardError.write(Data("bench-structured: \($0)\n".utf8)) }
        await server.stop()
        print("streams  free tokens/s (per round)      constrained tokens/s (per round)   constrained/free (median)")
        for row in rows {
            let free = row.free.map { String(format: "%.1f", $0) }.joined(separator: ", ")
            let constrained = row.constrained.map { String(format: "%.1f", $0) }.joined(separator: ", ")
            let ratio = Self.median(row.constrained) / max(Self.median(row.free), 1e-9)
            print("\(Self.pad(String(row.streams), 7))  \(free.padding(toLength: 31, withPad: " ", startingAt: 0)) \(constrained.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%.3f", ratio))\(row.failed > 0 ? "  (\(row.failed) failed streams)" : "")")
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Token bytes by id; control tokens (EOS, `<|im_start|>` ...) are never allowed by a grammar.
    static func vocabulary(of tokenizer: Tokenizer) -> [[UInt8]?] {
        (0 ..< Int32(tokenizer.vocabularySize)).map { id in
            tokenizer.isControl(id) ? nil : try? tokenizer.bytes(of: [id], skipSpecial: false)
        }
    }

    static let header = "schema                 steps  done    mean ms   p50 ms   p99 ms   max ms  max in string  max elsewhere"

    static func row(_ result: MaskBenchmark.Result) -> String {
        let name = result.name.padding(toLength: 20, withPad: " ", startingAt: 0)
        let numbers = [result.mean, result.median, result.percentile99, result.maximum].map { pad(milliseconds($0), 8) }
        return "\(name) \(pad(String(result.stepCount), 7)) \(pad("\(result.completedCount)/\(result.generationCount)", 5)) "
            + numbers.joined(separator: " ") + " " + pad(milliseconds(result.maximumInString), 14) + " " + pad(milliseconds(result.maximumElsewhere), 14)
    }

    static func milliseconds(_ duration: Duration) -> String {
        let components = duration.components
        return String(format: "%.3f", Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// The 1, 5 and 15 minute load averages (Linux), so noisy figures can be recognised.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// The first `model name` line of /proc/cpuinfo (Linux), or "unknown".
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":")
        else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
