/// Free blocks that still hold cached KV, least recently freed first (the eviction order of the
/// prefix cache). An intrusive doubly linked list over block indices: O(1) append, removal of any
/// member and eviction, with no allocation after `init`.
struct CachedBlockList {
    private static let none: Int32 = -1
    private var previous: [Int32]
    private var next: [Int32]
    private var isMember: [Bool]
    private var head: Int32 = none
    private var tail: Int32 = none
    private(set) var count = 0

    init(capacity: Int) {
        previous = Array(repeating: Self.none, count: capacity)
        next = Array(repeating: Self.none, count: capacity)
        isMember = Array(repeating: false, count: capacity)
    }

    func contains(_ index: Int32) -> Bool { isMember[Int(index)] }

    /// Adds `index` as the most recently freed block.
    mutating func append(_ index: Int32) {
        let i = Int(index)
        guard !isMember[i] else { return }
        isMember[i] = true
        previous[i] = tail
        next[i] = Self.none
        if tail != Self.none { next[Int(tail)] = index } else { head = index }
        tail = index
        count += 1
    }

    mutating func remove(_ index: Int32) {
        let i = Int(index)
        guard isMember[i] else { return }
        let p = previous[i], n = next[i]
        if p != Self.none { next[Int(p)] = n } else { head = n }
        if n != Self.none { previous[Int(n)] = p } else { tail = p }
        isMember[i] = false
        count -= 1
    }

    /// Removes and returns the least recently freed block.
    mutating func popOldest() -> Int32? {
        guard head != Self.none else { return nil }
        let oldest = head
        remove(oldest)
        return oldest
    }
}
