import ServingCore

/// Executes plans on the cost model: the step takes
/// `max(c + a·tokens + k·decode context, swap bytes / link bandwidth)`
/// (`IterationCostModel.stepSeconds`: swaps run on their own copy stream, overlapped with compute,
/// and each preset's swap budget is sized so that they fit) — and samples synthetic tokens that
/// depend only on the request and position.
public struct SimulatedExecutor: ModelExecutor {
    public let cost: IterationCostModel
    public let deviceBlockCount: Int
    public let blockSize: Int
    /// Synthetic tokens are drawn below this id.
    public var vocabularySize: Int32 = 50_400

    public init(cost: IterationCostModel, deviceBlockCount: Int, blockSize: Int) {
        self.cost = cost
        self.deviceBlockCount = deviceBlockCount
        self.blockSize = blockSize
    }

    public mutating func execute(_ plan: BatchPlan) -> StepOutput {
        var sampled: [SampledToken] = []
        sampled.reserveCapacity(plan.sequences.count)
        for sequence in plan.sequences where sequence.samplesNextToken {
            let position = sequence.startPosition + sequence.tokenCount
            sampled.append(SampledToken(requestID: sequence.requestID, token: syntheticToken(sequence.requestID, position)))
        }
        let shape = plan.shape(blockSize: blockSize)
        let compute = cost.computeSeconds(batchTokenCount: shape.tokenCount, decodeContextTokenCount: shape.decodeContextTokenCount, sampledSequenceCount: shape.sampledSequenceCount)
        return StepOutput(
            sampledTokens: sampled, duration: .seconds(cost.stepSeconds(computeSeconds: compute, swapTokenCount: shape.swapTokenCount)))
    }

    func syntheticToken(_ id: RequestID, _ position: Int) -> TokenID {
        TokenID(truncatingIfNeeded: mix(id.rawValue &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(position)) % UInt64(vocabularySize))
    }
}

/// splitmix64's finaliser: a cheap, well-mixed hash of a 64-bit value.
func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
