/// A set of token ids over a vocabulary, as a bitset (49,152 tokens: 768 words).
public struct TokenMask: Sendable, Equatable {
    /// Number of tokens the mask ranges over (ids `0 ..< vocabularySize`).
    public let vocabularySize: Int
    /// The bitset: bit `i` of word `w` is token `64·w + i`.
    public private(set) var words: [UInt64]

    /// An empty mask.
    public init(vocabularySize: Int) {
        self.vocabularySize = max(vocabularySize, 0)
        words = Array(repeating: 0, count: (self.vocabularySize + 63) / 64)
    }

    /// Whether `id` is in the mask (ids outside the vocabulary never are).
    public func contains(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) < vocabularySize else { return false }
        return words[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0
    }

    /// Adds `id` (ignored outside the vocabulary).
    public mutating func insert(_ id: Int32) {
        guard id >= 0, Int(id) < vocabularySize else { return }
        words[Int(id) >> 6] |= 1 << UInt64(id & 63)
    }

    /// Removes `id`.
    public mutating func remove(_ id: Int32) {
        guard id >= 0, Int(id) < vocabularySize else { return }
        words[Int(id) >> 6] &= ~(1 << UInt64(id & 63))
    }

    /// Empties the mask, keeping its storage.
    public mutating func removeAll() {
        words.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
    }

    /// Number of tokens in the mask.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether no token is in the mask.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The ids in the mask, ascending.
    public var tokenIDs: [Int32] {
        var ids: [Int32] = []
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                ids.append(Int32(index * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return ids
    }

    /// The `rank`-th id in ascending order (0-based), or nil past the end: sampling uniformly
    /// from the mask without listing it.
    public func tokenID(atRank rank: Int) -> Int32? {
        guard rank >= 0 else { return nil }
        var remaining = rank
        for (index, word) in words.enumerated() {
            let bits = word.nonzeroBitCount
            guard remaining < bits else {
                remaining -= bits
                continue
            }
            var word = word
            for _ in 0 ..< remaining { word &= word - 1 }
            return Int32(index * 64 + word.trailingZeroBitCount)
        }
        return nil
    }

    /// Sets every logit outside the mask to −infinity (the caller adds EOS back when the
    /// matcher `canFinish`). `logits.count` must be the vocabulary size; extra entries are masked.
    public func apply(to logits: inout [Float]) {
        for index in logits.indices where index >= vocabularySize || !contains(Int32(index)) {
            logits[index] = -.infinity
        }
    }

    /// Adds every token of `other` (same vocabulary).
    mutating func formUnion(_ other: TokenMask) {
        guard other.words.count == words.count else { return }
        words.withUnsafeMutableBufferPointer { target in
            other.words.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] |= source[index] }
            }
        }
    }

    /// Replaces the contents with `other`'s (same vocabulary), without reallocating.
    mutating func assign(_ other: TokenMask) {
        guard other.words.count == words.count else {
            self = other
            return
        }
        words.withUnsafeMutableBufferPointer { target in
            other.words.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] = source[index] }
            }
        }
    }
}
