import Foundation

/// Speed of the forward pass through the same batched, paged path the executor uses.
public struct ModelBenchmark {
    public struct Result: Sendable {
        public var prefillTokensPerSecond: Double
        public var decodeTokensPerSecond: Double
        public var decodeTokensPerSecond8: Double
        public var decodeTokensPerSecond32: Double
        public var peakResidentMegabytes: Double
    }

    public let model: LlamaModel
    public let threads: Int
    public var prefillLength = 512
    public var decodeSteps = 64
    public var decodePrompt = 16

    public init(model: LlamaModel, threads: Int) {
        self.model = model
        self.threads = threads
    }

    public func run() throws(TransformerError) -> Result {
        let prefill = try measurePrefill()
        let single = try measureDecode(sequences: 1)
        let eight = try measureDecode(sequences: 8)
        let thirtyTwo = try measureDecode(sequences: 32)
        return Result(
            prefillTokensPerSecond: prefill, decodeTokensPerSecond: single, decodeTokensPerSecond8: eight,
            decodeTokensPerSecond32: thirtyTwo, peakResidentMegabytes: Self.peakResidentMegabytes())
    }

    /// A 512-token prompt in one pass (best of three).
    func measurePrefill() throws(TransformerError) -> Double {
        let (pass, tables) = try makePass(sequences: 1, tokensPerSequence: prefillLength)
        let tokens = syntheticTokens(prefillLength, seed: 1)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = ContinuousClock.now
            _ = try pass.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: tables[0], wantsLogits: true)])
            best = min(best, seconds(ContinuousClock.now - start))
        }
        return Double(prefillLength) / best
    }

    /// `sequences` sequences prefilled with a short prompt, then `decodeSteps` batched decode steps.
    func measureDecode(sequences: Int) throws(TransformerError) -> Double {
        let (pass, tables) = try makePass(sequences: sequences, tokensPerSequence: decodePrompt + decodeSteps + 1)
        let prompts = (0..<sequences).map { BatchSequence(tokens: syntheticTokens(decodePrompt, seed: $0 + 7), startPosition: 0, blockTable: tables[$0], wantsLogits: true) }
        var last = try pass.run(prompts).map { Int32(ForwardPass.argmax($0)) }
        let start = ContinuousClock.now
        for step in 0..<decodeSteps {
            let batch = (0..<sequences).map { BatchSequence(tokens: [last[$0]], startPosition: decodePrompt + step, blockTable: tables[$0], wantsLogits: true) }
            last = try pass.run(batch).map { Int32(ForwardPass.argmax($0)) }
        }
        return Double(sequences * decodeSteps) / seconds(ContinuousClock.now - start)
    }

    /// A cache with every sequence's blocks interleaved across the pool (as a busy server's are).
    private func makePass(sequences: Int, tokensPerSequence: Int) throws(TransformerError) -> (ForwardPass, [[Int32]]) {
        let h = model.hyperparameters
        let blocksEach = (tokensPerSequence + 15) / 16
        let cache = PagedKVCache(blockCount: blocksEach * sequences, blockSize: 16, layerCount: h.layerCount, kvDimension: h.kvDimension)
        let tables = (0..<sequences).map { s in (0..<blocksEach).map { Int32($0 * sequences + s) } }
        return (try ForwardPass(model: model, cache: cache, threads: threads), tables)
    }

    private func syntheticTokens(_ count: Int, seed: Int) -> [Int32] {
        let vocabulary = model.hyperparameters.vocabularySize
        return (0..<count).map { Int32((($0 + 1) * 7919 + seed * 104_729) % (vocabulary - 100) + 100) }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// VmHWM from /proc/self/status, in MB (0 where unavailable).
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Double($0) }
            if let kilobytes = digits.first { return kilobytes / 1024 }
        }
        return 0
    }
}
