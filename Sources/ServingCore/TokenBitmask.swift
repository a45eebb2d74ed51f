/// A set of token ids as a bitmap over the vocabulary: the tokens a constrained sequence may sample
/// next (structured outputs, enforced tool calls). The executor gives every other token zero
/// probability.
public struct TokenBitmask: Sendable, Equatable, Hashable {
    public private(set) var words: [UInt64]
    public let count: Int

    /// An empty set over a vocabulary of `count` tokens.
    public init(count: Int) {
        self.count = max(0, count)
        words = Array(repeating: 0, count: (self.count + 63) / 64)
    }

    public func contains(_ token: TokenID) -> Bool {
        let index = Int(token)
        guard index >= 0, index < count else { return false }
        return words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    public mutating func insert(_ token: TokenID) {
        let index = Int(token)
        guard index >= 0, index < count else { return }
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    public mutating func removeAll() {
        for index in words.indices { words[index] = 0 }
    }

    /// Replaces the set with the one given as words (bit `i` of word `w` is token `64·w + i`).
    public mutating func assign(words newWords: [UInt64]) {
        for index in words.indices { words[index] = index < newWords.count ? newWords[index] : 0 }
        let tail = count & 63
        if tail != 0, let last = words.indices.last { words[last] &= (1 << UInt64(tail)) - 1 }
    }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    public var cardinality: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}
