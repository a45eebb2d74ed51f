import ArgumentParser
import Foundation
import ModelFiles
import ServerAssembly
import Simulation

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure the CPU engine's step time over batch shapes and fit the simulator's cost model (use a release build).",
        discussion: """
            Measures the product kernels and chooses their thresholds for this CPU, as `serve` does at start, \
            then runs the CPU transformer on a grid of batch shapes — prefill chunks of 16 to 1,024 tokens, decode \
            batches of 1 to 32 sequences at contexts of 64, 256 and 1,024 tokens, mixed prefill + decode steps \
            and a swap round trip — each --repetitions times after a warm-up, keeps the median, fits \
            T = c + a·tokens + k·decode context + w·sampled sequences (and the swap rate) by relative error, prints every shape's \
            measured and fitted time, and writes the fit as a hardware file (the cpu-measured preset) for \
            `augserve simulate --hardware FILE`, with the KV pool and host swap of the profiled server.
            Example: augserve profile --out cpu-measured.json && augserve simulate --hardware cpu-measured.json --rate 2
            """)

    @Option(help: "Where to write the hardware file.")
    var out: String = "cpu-measured.json"

    @Option(help: "Timed repetitions per shape (the median is kept).")
    var repetitions = 5

    @Option(help: "KV pool in tokens, for the grid and the written preset.")
    var kvCacheTokens = 2048

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() throws {
        guard (1...100).contains(repetitions) else { throw ValidationError("invalid --repetitions \(repetitions): must be in 1...100") }
        guard (256...1_000_000).contains(kvCacheTokens) else { throw ValidationError("invalid --kv-cache-tokens \(kvCacheTokens): must be in 256...1000000") }
        guard (1...256).contains(threads) else { throw ValidationError("invalid --threads \(threads): must be in 1...256") }
        var profile = CostProfile()
        profile.repetitions = repetitions
        profile.kvCacheTokens = kvCacheTokens
        profile.threads = threads
        let result: CostProfile.Result
        do {
            result = try profile.run(modelPath: ModelLoading.resolvePath(model)) { FileHandle.standardError.write(Data("profile: \($0)\n".utf8)) }
        } catch {
            throw ValidationError("profile failed: \(error); \(DefaultModel.installHint)")
        }
        print("cpu: \(CPUDescription.current)")
        print("| shape | tokens | decode context | sampled | swap tokens | measured ms | fitted ms | error |")
        print("|---|---|---|---|---|---|---|---|")
        for m in result.measurements {
            let error = m.seconds > 0 ? (m.predicted - m.seconds) / m.seconds * 100 : 0
            print("| \(m.label) | \(m.shape.tokenCount) | \(m.shape.decodeContextTokenCount) | \(m.shape.sampledSequenceCount) | \(m.shape.swapTokenCount) | \(String(format: "%.2f", m.seconds * 1000)) | \(String(format: "%.2f", m.predicted * 1000)) | \(String(format: "%+.1f", error))% |")
        }
        let errors = result.measurements.map { abs($0.predicted - $0.seconds) / max($0.seconds, 1e-9) }.sorted()
        let cost = result.cost
        print(String(format: "fit: c = %.3f ms, a = %.4f ms/token, k = %.3f µs/context token, w = %.3f ms/sampled sequence, swap %.2f GB/s; relative error median %.1f%%, max %.1f%%",
                     cost.fixed.seconds * 1e3, cost.perToken.seconds * 1e3, cost.perContextToken.seconds * 1e6, cost.perSampledSequence.seconds * 1e3, cost.swapBytesPerSecond / 1e9,
                     errors[errors.count / 2] * 100, (errors.last ?? 0) * 100))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(result.preset).write(to: URL(fileURLWithPath: out))
        } catch { throw ValidationError("cannot write \(out): \(error.localizedDescription)") }
        let derived = result.preset.derive()
        print("wrote \(out): preset cpu-measured, KV \(derived.kvCapacityTokenCount) tokens, host swap \(derived.hostSwapTokenCount) tokens (`augserve simulate --hardware \(out)`)")
    }
}
