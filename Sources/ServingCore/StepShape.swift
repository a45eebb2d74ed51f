/// The quantities of one iteration that the cost model prices (SPEC §9): tokens forwarded,
/// context tokens read by decoding sequences, tokens of KV copied across the host link.
public struct StepShape: Sendable, Equatable, Hashable {
    public var tokenCount: Int
    public var decodeContextTokenCount: Int
    public var swapTokenCount: Int
    /// Sequences that sample a token this step (each computes a row of logits).
    public var sampledSequenceCount: Int

    public init(tokenCount: Int, decodeContextTokenCount: Int, swapTokenCount: Int = 0, sampledSequenceCount: Int = 0) {
        self.tokenCount = tokenCount
        self.decodeContextTokenCount = decodeContextTokenCount
        self.swapTokenCount = swapTokenCount
        self.sampledSequenceCount = sampledSequenceCount
    }
}

extension BatchPlan {
    /// This plan's shape: a single-token sequence reads its whole context (`startPosition + 1`).
    public func shape(blockSize: Int) -> StepShape {
        var tokens = 0, decodeContext = 0, sampled = 0
        for sequence in sequences {
            tokens += sequence.tokenCount
            if sequence.tokenCount == 1 { decodeContext += sequence.startPosition + 1 }
            if sequence.samplesNextToken { sampled += 1 }
        }
        return StepShape(
            tokenCount: tokens, decodeContextTokenCount: decodeContext,
            swapTokenCount: (swapIn.count + swapOut.count) * blockSize, sampledSequenceCount: sampled)
    }
}
