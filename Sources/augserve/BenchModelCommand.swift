import ArgumentParser
import Foundation
import ModelFiles
import Transformer

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-model",
        abstract: "Measure the CPU transformer's prefill and decode speed (use a release build).",
        discussion: """
            Measures the product kernels first and runs with the thresholds chosen, as `serve` does. \
            Prints prefill tokens/s for a 512-token prompt, single-stream decode tokens/s, aggregate \
            decode tokens/s with 8 and 32 concurrent sequences (one batched step per token, blocks \
            interleaved in a paged cache, the executor's path), and the peak resident memory \
            (VmHWM). Build with `swift build -c release` first.
            """)

    @Flag(help: "Print one JSON object with prefill_tokens_per_s, decode_tokens_per_s, decode_tokens_per_s_8, decode_tokens_per_s_32, peak_rss_mb.")
    var json = false

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() async throws {
        guard threads > 0 else { throw ValidationError("invalid --threads \(threads): must be > 0") }
        let llama: LlamaModel
        do {
            llama = try LlamaModel(path: ModelLoading.resolvePath(model))
        } catch {
            throw ValidationError("cannot load the model: \(error); \(DefaultModel.installHint)")
        }
        var benchmark = ModelBenchmark(model: llama, pool: WorkerPool(threadCount: threads))
        let (tuning, thresholds) = try benchmark.tuneKernels()
        benchmark.kernelThresholds = thresholds
        let result = try benchmark.run()
        if json {
            let fields = [
                ("prefill_tokens_per_s", result.prefillTokensPerSecond), ("decode_tokens_per_s", result.decodeTokensPerSecond),
                ("decode_tokens_per_s_8", result.decodeTokensPerSecond8), ("decode_tokens_per_s_32", result.decodeTokensPerSecond32),
                ("peak_rss_mb", result.peakResidentMegabytes),
            ]
            print("{" + fields.map { "\"\($0.0)\": \(format($0.1))" }.joined(separator: ", ") + "}")
            return
        }
        let megabytes = Double(llama.weightBytesPerToken) / 1e6
        print("model: \(llama.file.path), \(format(megabytes)) MB of weights streamed per token, \(threads) threads")
        print("kernels (measured at start, as serve does): \(tuning)")
        print("prefill (512-token prompt):        \(format(result.prefillTokensPerSecond)) tokens/s")
        print("decode, 1 sequence:                \(format(result.decodeTokensPerSecond)) tokens/s")
        print("decode, 8 sequences (aggregate):   \(format(result.decodeTokensPerSecond8)) tokens/s")
        print("decode, 32 sequences (aggregate):  \(format(result.decodeTokensPerSecond32)) tokens/s")
        print("peak resident memory:              \(format(result.peakResidentMegabytes)) MB")
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
