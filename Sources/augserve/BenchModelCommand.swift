import ArgumentParser
import Foundation
import ModelFiles
import Transformer

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-model",
        abstract: "Measure the CPU transformer's prefill and decode speed (use a release build).",
        discussion: """
            Prints prefill tokens/s for a 512-token prompt, single-stream decode tokens/s, aggregate \
            decode tokens/s with 8 and 32 concurrent sequences (one batched step per token, blocks \
            interleaved in a paged cache), and the peak resident memory. Build with \
            `swift build -c release` first.
            """)

    @Flag(help: "Print one JSON object with prefill_tokens_per_s, decode_tokens_per_s, decode_tokens_per_s_8, decode_tokens_per_s_32, peak_rss_mb.")
    var json = false

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() async throws {
        guard threads > 0 else { throw ValidationError("invalid --threads \(threads): must be > 0") }
        let (llama, _) = try ModelLoading.load(model)
        let result = try ModelBenchmark(model: llama, threads: threads).run()
        if json {
            print(
                "{\"prefill_tokens_per_s\": \(f(result.prefillTokensPerSecond)), \"decode_tokens_per_s\": \(f(result.decodeTokensPerSecond)), "
                    + "\"decode_tokens_per_s_8\": \(f(result.decodeTokensPerSecond8)), \"decode_tokens_per_s_32\": \(f(result.decodeTokensPerSecond32)), "
                    + "\"peak_rss_mb\": \(f(result.peakResidentMegabytes))}")
            return
        }
        print("model: \(llama.file.path), \(llama.weightBytesPerToken / 1_000_000) MB of weights streamed per token, \(threads) threads")
        print("prefill (512-token prompt):        \(f(result.prefillTokensPerSecond)) tokens/s")
        print("decode, 1 sequence:                \(f(result.decodeTokensPerSecond)) tokens/s")
        print("decode, 8 sequences (aggregate):   \(f(result.decodeTokensPerSecond8)) tokens/s")
        print("decode, 32 sequences (aggregate):  \(f(result.decodeTokensPerSecond32)) tokens/s")
        print("peak resident memory:              \(f(result.peakResidentMegabytes)) MB")
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
