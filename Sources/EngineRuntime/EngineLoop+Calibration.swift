import ServingCore

/// Phase (at start): measure the executor on a few step shapes and fit the cost model to them, so
/// the policies reason with this machine's costs from the first request on.
extension EngineLoop {
    func calibrate() {
        let plans = CalibrationPlans.make(
            blockCount: core.configuration.cache.deviceBlockCount, hostBlockCount: core.configuration.cache.hostBlockCount,
            blockSize: core.configuration.cache.blockSize, maxContext: core.configuration.limits.maxContextLength,
            filler: configuration.fillerTokens)
        var measured: [(StepShape, Duration)] = []
        for plan in plans {
            guard let output = try? executor.execute(plan) else { continue }
            measured.append((plan.shape(blockSize: core.configuration.cache.blockSize), output.duration))
        }
        guard measured.count >= 4 else { return }  // keep the prior
        let model = costFit.calibrate(measured)
        try? core.updateCostModel(model)
    }
}

/// Synthetic plans over the free KV pool (nothing is served yet, so any block may be written):
/// prefill chunks of several sizes, decode batches of several widths at two context lengths, and
/// a swap round trip when there is host memory. Each shape runs twice (the first warms caches).
enum CalibrationPlans {
    static let calibrationID = RequestID(UInt64.max)

    static func make(blockCount: Int, hostBlockCount: Int, blockSize: Int, maxContext: Int, filler: [TokenID]) -> [BatchPlan] {
        let capacity = blockCount * blockSize
        var plans: [BatchPlan] = []
        func token(_ index: Int) -> TokenID { filler[index % filler.count] }
        func table(start: Int, tokens: Int) -> [BlockID] {
            (0..<(tokens + blockSize - 1) / blockSize).map { BlockID(index: start + $0) }
        }
        for length in [32, 128, 384] where length < min(capacity, maxContext) {
            let sequence = ScheduledSequence(
                requestID: calibrationID, tokens: (0..<length).map(token), startPosition: 0,
                blockTable: table(start: 0, tokens: length), samplesNextToken: true)
            plans += [BatchPlan(sequences: [sequence]), BatchPlan(sequences: [sequence])]
        }
        for context in [64, 512] {
            for width in [1, 4, 16] {
                let blocksEach = (context + blockSize - 1) / blockSize
                guard width * blocksEach <= blockCount, context < maxContext else { continue }
                let sequences = (0..<width).map { index in
                    ScheduledSequence(
                        requestID: RequestID(UInt64.max - UInt64(index)), tokens: [token(index)], startPosition: context - 1,
                        blockTable: table(start: index * blocksEach, tokens: context), samplesNextToken: true)
                }
                plans += [BatchPlan(sequences: sequences), BatchPlan(sequences: sequences)]
            }
        }
        let swapBlocks = min(16, hostBlockCount, blockCount / 2)
        if swapBlocks >= 4 {
            let out = (0..<swapBlocks).map { BlockTransfer(device: BlockID(index: $0), host: HostSlotID(index: $0)) }
            let back = (0..<swapBlocks).map { BlockTransfer(device: BlockID(index: swapBlocks + $0), host: HostSlotID(index: $0)) }
            plans += [BatchPlan(swapOut: out, swapIn: back), BatchPlan(swapOut: out, swapIn: back)]
        }
        return plans
    }
}
