import Foundation

/// Speed of the forward pass through the same batched, paged path the executor uses: prefill of
/// one long prompt, and decode steps of 1, 8 and 32 sequences batched together, their blocks
/// interleaved across the pool as a busy server's are.
public struct ModelBenchmark {
    /// Figures of one run.
    public struct Result: Sendable, Equatable {
        public var prefillTokensPerSecond: Double
        public var decodeTokensPerSecond: Double
        public var decodeTokensPerSecond8: Double
        public var decodeTokensPerSecond32: Double
        /// VmHWM at the end, in MB.
        public var peakResidentMegabytes: Double
    }

    public let model: LlamaModel
    public let pool: WorkerPool
    /// Prompt length of the prefill measurement.
    public var prefillLength = 512
    /// Prompt length of each decoding sequence before its timed steps.
    public var decodePrompt = 16
    /// Timed decode steps per measurement.
    public var decodeSteps = 64
    /// Timed runs of the decode steps; the fastest counts.
    public var repetitions = 3
    public var blockSize = 16
    /// Product-mode thresholds for every measured pass (nil: the built-in ones).
    public var kernelThresholds: KernelThresholds?

    public init(model: LlamaModel, pool: WorkerPool) {
        self.model = model
        self.pool = pool
    }

    /// Measures the kernels on this CPU as the server does at start (`ForwardPass.tuneKernels`)
    /// and returns what was measured and the thresholds chosen.
    public func tuneKernels() throws(TransformerError) -> (KernelTuning, KernelThresholds) {
        let (pass, _) = try makePass(sequences: 1, tokensPerSequence: blockSize)
        let tuning = pass.tuneKernels()
        return (tuning, pass.kernelThresholds)
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

    /// A `prefillLength`-token prompt in one pass (best of three, after one warm-up).
    public func measurePrefill() throws(TransformerError) -> Double {
        let (pass, tables) = try makePass(sequences: 1, tokensPerSequence: prefillLength)
        let batch = [BatchSequence(tokens: syntheticTokens(prefillLength, seed: 1), startPosition: 0, blockTable: tables[0])]
        var best = Double.infinity
        for _ in 0..<4 {
            let start = ContinuousClock.now
            try pass.run(batch)
            best = min(best, Self.seconds(ContinuousClock.now - start))
        }
        return Double(prefillLength) / best
    }

    /// `sequences` sequences prefilled with a short prompt, then `decodeSteps` batched greedy
    /// decode steps; aggregate generated tokens per second, best of `repetitions` runs of the same
    /// steps (each replays the same positions, so the work is identical; the best run is the one
    /// least disturbed by other load on the machine).
    public func measureDecode(sequences: Int) throws(TransformerError) -> Double {
        let (pass, tables) = try makePass(sequences: sequences, tokensPerSequence: decodePrompt + decodeSteps + 1)
        let prompts = (0..<sequences).map {
            BatchSequence(tokens: syntheticTokens(decodePrompt, seed: $0 + 7), startPosition: 0, blockTable: tables[$0])
        }
        try pass.run(prompts)
        let firstTokens = (0..<sequences).map { index in pass.withLogits(row: index) { Int32(Sampler.argmax($0)) } ?? 0 }
        var best = Double.infinity
        for _ in 0..<repetitions {
            var batch = (0..<sequences).map {
                BatchSequence(tokens: [firstTokens[$0]], startPosition: decodePrompt, blockTable: tables[$0])
            }
            try pass.run(batch)  // warms up the decode path
            let start = ContinuousClock.now
            for step in 1...decodeSteps {
                for index in 0..<sequences {
                    let token = pass.withLogits(row: index) { Int32(Sampler.argmax($0)) } ?? 0
                    batch[index] = BatchSequence(tokens: [token], startPosition: decodePrompt + step, blockTable: tables[index])
                }
                try pass.run(batch)
            }
            best = min(best, Self.seconds(ContinuousClock.now - start))
        }
        return Double(sequences * decodeSteps) / best
    }

    /// A cache with every sequence's blocks interleaved across the pool.
    private func makePass(sequences: Int, tokensPerSequence: Int) throws(TransformerError) -> (ForwardPass, [[Int32]]) {
        let h = model.hyperparameters
        let blocksEach = (tokensPerSequence + blockSize - 1) / blockSize
        let cache = try PagedKVCache(
            blockCount: blocksEach * sequences, blockSize: blockSize, layerCount: h.layerCount,
            kvHeadCount: h.kvHeadCount, headDimension: h.headDimension)
        let tables = (0..<sequences).map { s in (0..<blocksEach).map { Int32($0 * sequences + s) } }
        let pass = try ForwardPass(model: model, cache: cache, pool: pool)
        if let kernelThresholds { pass.kernelThresholds = kernelThresholds }
        return (pass, tables)
    }

    private func syntheticTokens(_ count: Int, seed: Int) -> [Int32] {
        let vocabulary = model.hyperparameters.vocabularySize, offset = min(100, vocabulary / 2)
        return (0..<count).map { Int32((($0 + 1) * 7919 + seed * 104_729) % (vocabulary - offset) + offset) }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// VmHWM (peak resident set) from /proc/self/status in MB; 0 where unavailable.
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            if let kilobytes = line.split(separator: " ").compactMap({ Double($0) }).first { return kilobytes / 1024 }
        }
        return 0
    }
}
