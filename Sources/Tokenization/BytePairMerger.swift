/// Byte-pair merging over token ids.
///
/// A piece starts as the ids of its single-byte tokens; the adjacent pair with the lowest merge
/// rank is replaced by its merged token until no pair has a rule. Working on ids instead of
/// strings is equivalent because every symbol that can arise is a vocabulary entry (rules whose
/// parts or result are not in the vocabulary are rejected when the table is built). Pairs are
/// kept in a min-heap ordered by (rank, position), so a piece of n bytes costs O(n log n), and
/// ties go to the leftmost pair as in GPT-2's reference implementation.
///
/// A vocabulary may lack some single-byte tokens (SmolLM2 has none for 21 bytes, such as 0x04 and
/// the bytes that never occur in UTF-8). Such bytes cannot be represented and are dropped, as
/// llama.cpp does.
struct BytePairMerger: Sendable {
    /// Marks a byte without a token in `byteTokens`; it never merges and is not emitted.
    static let noToken = Int32.min

    struct Rule: Sendable {
        var rank: Int32
        var result: Int32
    }

    /// Merge rules keyed by `left << 32 | right`.
    private let rules: [UInt64: Rule]
    /// The id of the single-byte token for each byte value, or `noToken`.
    let byteTokens: [Int32]

    init(rules: [UInt64: Rule], byteTokens: [Int32]) {
        self.rules = rules
        self.byteTokens = byteTokens
    }

    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Appends the token ids of one piece's bytes to `output`.
    func merge(_ bytes: ArraySlice<UInt8>, into output: inout [Int32]) {
        guard bytes.count > 1 else {
            if let byte = bytes.first, byteTokens[Int(byte)] != Self.noToken { output.append(byteTokens[Int(byte)]) }
            return
        }
        var symbols = bytes.map { byteTokens[Int($0)] }
        let count = symbols.count
        var next = Array(1 ... count)  // next[i] == count: no successor
        var previous = Array(-1 ..< count - 1)
        var heap = PairHeap()
        for position in 0 ..< count - 1 { push(position, symbols[position], symbols[position + 1], &heap) }
        while let (rank, position) = heap.popMinimum() {
            let right = next[position]
            guard symbols[position] >= 0, right < count,
                  let rule = rules[Self.key(symbols[position], symbols[right])], rule.rank == rank
            else { continue }  // stale: one side was merged away since this pair was queued
            symbols[position] = rule.result
            symbols[right] = -1  // dead: reachable only through stale heap entries
            next[position] = next[right]
            if next[right] < count { previous[next[right]] = position }
            if previous[position] >= 0 { push(previous[position], symbols[previous[position]], rule.result, &heap) }
            if next[position] < count { push(position, rule.result, symbols[next[position]], &heap) }
        }
        var position = 0
        while position < count {
            if symbols[position] != Self.noToken { output.append(symbols[position]) }
            position = next[position]
        }
    }

    private func push(_ position: Int, _ left: Int32, _ right: Int32, _ heap: inout PairHeap) {
        if let rule = rules[Self.key(left, right)] { heap.insert(rank: rule.rank, position: position) }
    }
}

/// A binary min-heap of (rank, position) pairs packed into one `UInt64` each.
struct PairHeap {
    private var storage: [UInt64] = []

    mutating func insert(rank: Int32, position: Int) {
        storage.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(truncatingIfNeeded: position)))
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMinimum() -> (rank: Int32, position: Int)? {
        guard let top = storage.first, let last = storage.popLast() else { return nil }
        if !storage.isEmpty {
            storage[0] = last
            siftDown()
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int(UInt32(truncatingIfNeeded: top)))
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { return }
            var smallest = left
            if left + 1 < storage.count, storage[left + 1] < storage[left] { smallest = left + 1 }
            guard storage[smallest] < storage[parent] else { return }
            storage.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
