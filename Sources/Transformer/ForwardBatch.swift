/// One sequence's share of a forward pass: `tokens` at positions `startPosition…`, K/V stored in
/// and read from the blocks of `blockTable` (block i holds positions i·blockSize ..< (i+1)·blockSize).
public struct BatchSequence: Sendable, Equatable {
    public var tokens: [Int32]
    public var startPosition: Int
    public var blockTable: [Int32]
    /// Return the logits of the last position.
    public var wantsLogits: Bool

    public init(tokens: [Int32], startPosition: Int, blockTable: [Int32], wantsLogits: Bool) {
        self.tokens = tokens
        self.startPosition = startPosition
        self.blockTable = blockTable
        self.wantsLogits = wantsLogits
    }
}

/// Where each row of the flattened batch comes from.
struct TokenRow {
    let sequence: Int
    let position: Int
}
