import ServingCore
import Transformer

/// A plan the executor cannot run.
public enum ExecutorError: Error, Equatable, CustomStringConvertible, Sendable {
    case blockOutOfRange(Int)
    case hostSlotOutOfRange(Int)
    case forward(TransformerError)

    public var description: String {
        switch self {
        case .blockOutOfRange(let block): "plan refers to device block \(block), outside the KV pool"
        case .hostSlotOutOfRange(let slot): "plan refers to host slot \(slot), outside the swap area"
        case .forward(let error): "\(error)"
        }
    }
}

/// Runs batch plans on the CPU transformer over a paged KV cache it owns.
public final class CPUModelExecutor: ModelExecutor {
    public let model: LlamaModel
    public let cache: PagedKVCache
    let forward: ForwardPass
    public var deviceBlockCount: Int { cache.blockCount }
    public var blockSize: Int { cache.blockSize }

    public init(model: LlamaModel, deviceBlockCount: Int, blockSize: Int = 16, hostBlockCount: Int = 0, threads: Int = 2) throws(TransformerError) {
        let h = model.hyperparameters
        self.model = model
        cache = PagedKVCache(
            blockCount: deviceBlockCount, blockSize: blockSize, layerCount: h.layerCount, kvDimension: h.kvDimension,
            hostBlockCount: hostBlockCount)
        forward = try ForwardPass(model: model, cache: cache, threads: threads)
    }

    public func execute(_ plan: BatchPlan) throws -> StepOutput {
        let clock = ContinuousClock()
        let start = clock.now
        try copySwaps(plan)
        let batch = plan.sequences.map { sequence in
            BatchSequence(
                tokens: sequence.tokens, startPosition: sequence.startPosition,
                blockTable: sequence.blockTable.map(\.rawValue), wantsLogits: sequence.samplesNextToken)
        }
        let logits: [[Float]]
        do { logits = try forward.run(batch) } catch { throw ExecutorError.forward(error) }
        var sampled: [SampledToken] = []
        for (sequence, row) in zip(plan.sequences.filter(\.samplesNextToken), logits) {
            let token = Sampler.sample(row, settings: Self.settings(sequence.sampling), position: sequence.startPosition + sequence.tokenCount)
            sampled.append(SampledToken(requestID: sequence.requestID, token: token))
        }
        return StepOutput(sampledTokens: sampled, duration: clock.now - start)
    }

    /// Swap-outs first (they may free blocks that swap-ins reuse), both before the forward pass.
    private func copySwaps(_ plan: BatchPlan) throws {
        for transfer in plan.swapOut + plan.swapIn {
            guard transfer.device.index >= 0 && transfer.device.index < cache.blockCount else {
                throw ExecutorError.blockOutOfRange(transfer.device.index)
            }
            guard transfer.host.index >= 0 && transfer.host.index < cache.hostBlockCount else {
                throw ExecutorError.hostSlotOutOfRange(transfer.host.index)
            }
        }
        for transfer in plan.swapOut { cache.copyToHost(block: transfer.device.index, slot: transfer.host.index) }
        for transfer in plan.swapIn { cache.copyFromHost(slot: transfer.host.index, block: transfer.device.index) }
    }

    static func settings(_ parameters: SamplingParameters) -> SamplerSettings {
        SamplerSettings(
            temperature: parameters.temperature, topK: parameters.topK, topP: parameters.topP, minP: parameters.minP,
            seed: parameters.seed)
    }
}
