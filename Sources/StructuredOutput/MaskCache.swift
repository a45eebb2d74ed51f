/// A bounded cache of masks keyed by matcher state, least recently used evicted first.
///
/// Generation revisits states often (after `{`, after `,`, at the start of each array item),
/// and the same schema serves many requests, but a program's identifier is per compilation, so
/// sharing across requests needs the server to reuse the `Grammar` value.
struct MaskCache: Sendable {
    struct Key: Hashable, Sendable {
        let program: UInt64
        let stacks: [FrameStack]
    }

    private struct Entry: Sendable {
        var mask: TokenMask
        var lastUse: UInt64
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacity: Int) { self.capacity = max(capacity, 0) }

    mutating func lookup(_ key: Key) -> TokenMask? {
        clock += 1
        guard let entry = entries[key] else {
            misses += 1
            return nil
        }
        hits += 1
        entries[key]?.lastUse = clock
        return entry.mask
    }

    mutating func store(_ key: Key, _ mask: TokenMask) {
        guard capacity > 0 else { return }
        // A linear scan for the oldest entry: it runs only after a miss, which already cost a
        // trie walk far longer than scanning a few hundred entries.
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        entries[key] = Entry(mask: mask, lastUse: clock)
    }
}
