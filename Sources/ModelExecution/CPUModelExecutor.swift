import ServingCore
import Transformer

/// Runs the engine core's batch plans on the CPU transformer, over a paged KV cache whose
/// blocks are the core's `BlockID`s and a host area whose slots are its `HostSlotID`s.
///
/// One `execute` call: validate the whole plan (block ids, table lengths, positions, sampling
/// parameters) and throw before touching anything if it is bad; copy swap-outs, then swap-ins;
/// run every sequence as one mixed batch; sample one token for each sequence that asks, in plan
/// order; report the measured wall-clock duration. The executor keeps no per-request state —
/// everything a step needs is in the plan and the cache — so released requests need no work.
public final class CPUModelExecutor: ModelExecutor {
    public let model: LlamaModel
    public let cache: PagedKVCache
    let forward: ForwardPass
    private var sampler = Sampler()
    private var batch: [BatchSequence] = []

    public var deviceBlockCount: Int { cache.blockCount }
    public var blockSize: Int { cache.blockSize }

    /// An executor with `deviceBlockCount` KV blocks of `blockSize` positions, `hostBlockCount`
    /// host slots for swapped-out blocks, and a pool of `threads` threads at `niceness`.
    public init(
        model: LlamaModel, deviceBlockCount: Int, blockSize: Int = 16, hostBlockCount: Int = 0, threads: Int = 2,
        niceness: Int32 = 0
    ) throws(ExecutorError) {
        guard threads > 0 else { throw .invalidConfiguration("threads = \(threads) must be positive") }
        let h = model.hyperparameters
        do {
            cache = try PagedKVCache(
                blockCount: deviceBlockCount, blockSize: blockSize, layerCount: h.layerCount, kvHeadCount: h.kvHeadCount,
                headDimension: h.headDimension, hostBlockCount: hostBlockCount)
            forward = try ForwardPass(model: model, cache: cache, pool: WorkerPool(threadCount: threads, niceness: niceness))
        } catch { throw .transformer(error) }
        self.model = model
    }

    /// Measures the product kernels on this CPU and sets the vector-kernel limit from them
    /// and the token-tile threshold (`ForwardPass.tuneKernels`); call before the engine starts stepping.
    @discardableResult
    public func tuneKernels() -> KernelTuning { forward.tuneKernels() }

    /// Where the forward pass switches product modes (tuned, given, or built in).
    public var kernelThresholds: KernelThresholds {
        get { forward.kernelThresholds }
        set { forward.kernelThresholds = newValue }
    }

    public func execute(_ plan: BatchPlan) throws -> StepOutput {
        let clock = ContinuousClock()
        let start = clock.now
        try validate(plan)
        do {
            for transfer in plan.swapOut { try cache.copyToHost(block: transfer.device.index, slot: transfer.host.index) }
            for transfer in plan.swapIn { try cache.copyFromHost(slot: transfer.host.index, block: transfer.device.index) }
        } catch { throw ExecutorError.transformer(error) }
        guard !plan.sequences.isEmpty else { return StepOutput(sampledTokens: [], duration: clock.now - start) }
        batch.removeAll(keepingCapacity: true)
        for sequence in plan.sequences {
            batch.append(BatchSequence(
                tokens: sequence.tokens, startPosition: sequence.startPosition,
                blockTable: sequence.blockTable.map(\.rawValue), logits: sequence.samplesNextToken ? .last : .none))
        }
        do { try forward.run(batch) } catch { throw ExecutorError.transformer(error) }
        var sampled: [SampledToken] = []
        var row = 0
        for sequence in plan.sequences where sequence.samplesNextToken {
            let settings = Self.settings(sequence.sampling)
            let position = sequence.startPosition + sequence.tokenCount
            let suppressed = sequence.suppressesStopTokens ? sequence.sampling.stopTokenIDs : []
            let allowed = sequence.allowedTokens
            let token: TokenID = forward.withMutableLogits(row: row) { (logits: UnsafeMutableBufferPointer<Float>) -> TokenID in
                if let allowed { Self.mask(logits, to: allowed) }
                for id in suppressed where id >= 0 && Int(id) < logits.count { logits[Int(id)] = -.infinity }
                return sampler.sample(UnsafeBufferPointer(logits), settings: settings, position: position)
            } ?? 0
            sampled.append(SampledToken(requestID: sequence.requestID, token: token))
            row += 1
        }
        return StepOutput(sampledTokens: sampled, duration: clock.now - start)
    }

    /// Gives every token outside `allowed` zero probability (an empty set leaves the logits alone:
    /// a grammar with no way forward must not turn sampling into NaNs).
    static func mask(_ logits: UnsafeMutableBufferPointer<Float>, to allowed: TokenBitmask) {
        guard !allowed.isEmpty else { return }
        let words = allowed.words
        for (wordIndex, word) in words.enumerated() where word != UInt64.max {
            let base = wordIndex << 6
            let end = min(base + 64, logits.count)
            guard base < end else { break }
            for index in base..<end where word & (1 << UInt64(index - base)) == 0 { logits[index] = -.infinity }
        }
        for index in (words.count << 6)..<max(words.count << 6, logits.count) { logits[index] = -.infinity }
    }

    /// Checks everything the plan refers to, so that a bad plan changes nothing.
    func validate(_ plan: BatchPlan) throws(ExecutorError) {
        for transfer in plan.swapOut + plan.swapIn {
            guard transfer.device.index >= 0, transfer.device.index < cache.blockCount else {
                throw .blockOutOfRange(block: transfer.device.index, blockCount: cache.blockCount)
            }
            guard transfer.host.index >= 0, transfer.host.index < cache.hostBlockCount else {
                throw .hostSlotOutOfRange(slot: transfer.host.index, slotCount: cache.hostBlockCount)
            }
        }
        let context = model.hyperparameters.contextLength
        let vocabulary = model.hyperparameters.vocabularySize
        for sequence in plan.sequences {
            let request = sequence.requestID, end = sequence.startPosition + sequence.tokenCount
            guard !sequence.tokens.isEmpty else { throw .invalidSequence(request: request, reason: "no tokens") }
            if let bad = sequence.tokens.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
                throw .invalidSequence(request: request, reason: "token \(bad) outside the vocabulary of \(vocabulary)")
            }
            guard sequence.startPosition >= 0, end <= context else {
                throw .invalidSequence(request: request, reason: "positions \(sequence.startPosition)..<\(end) outside the context of \(context)")
            }
            guard sequence.blockTable.count * cache.blockSize >= end else {
                throw .invalidSequence(request: request, reason: "\(sequence.blockTable.count) blocks cannot hold \(end) positions")
            }
            if let bad = sequence.blockTable.first(where: { $0.index < 0 || $0.index >= cache.blockCount }) {
                throw .invalidSequence(request: request, reason: "block \(bad.index) outside the pool of \(cache.blockCount)")
            }
            if sequence.samplesNextToken, let reason = Self.settings(sequence.sampling).invalidReason {
                throw .invalidSequence(request: request, reason: reason)
            }
        }
    }

    /// The transformer's sampler settings for the core's sampling parameters.
    static func settings(_ parameters: SamplingParameters) -> SamplerSettings {
        SamplerSettings(
            temperature: parameters.temperature, topK: parameters.topK, topP: parameters.topP, minP: parameters.minP,
            seed: parameters.seed)
    }
}
