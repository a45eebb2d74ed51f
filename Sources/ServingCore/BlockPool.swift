/// The device KV-cache blocks: a free list, reference counts, and (optionally) a prefix cache.
///
/// Accounting is exact: `freeCount + usedCount == totalCount` always. A block is *used* while at
/// least one request references it. With prefix caching a freed block keeps its content hash and
/// stays findable until it is evicted (least recently freed first) to satisfy an allocation; such a
/// block counts as free.
public struct BlockPool: Sendable {
    public let totalCount: Int
    public let blockSize: Int
    public let prefixCachingEnabled: Bool

    private var referenceCounts: [Int32]
    /// Content hash per block, 0 when the block holds no registered content.
    private var contentHashes: [UInt64]
    private var uncachedFree: [Int32]
    private var cachedFree: CachedBlockList
    private var cacheIndex: [UInt64: Int32] = [:]
    /// Prefix-cache hits and evictions since creation (for reports).
    public private(set) var cacheHitBlockCount = 0
    public private(set) var evictionCount = 0

    /// The most blocks a pool can hold: block ids are `Int32` (`CacheConfiguration.validate()`
    /// rejects more before a pool is built).
    public static let maxBlockCount = Int(Int32.max)

    /// A pool of `totalCount` blocks, `0...maxBlockCount` (a count outside it is clamped: the
    /// configuration is validated before any pool is built, so this never happens in the core).
    public init(totalCount: Int, blockSize: Int, prefixCachingEnabled: Bool) {
        let totalCount = min(max(0, totalCount), Self.maxBlockCount)
        self.totalCount = totalCount
        self.blockSize = blockSize
        self.prefixCachingEnabled = prefixCachingEnabled
        referenceCounts = Array(repeating: 0, count: totalCount)
        contentHashes = Array(repeating: 0, count: totalCount)
        // Reversed so that blocks are handed out in ascending order (easier to read in tests).
        uncachedFree = (0..<Int32(totalCount)).reversed()
        cachedFree = CachedBlockList(capacity: totalCount)
    }

    public var freeCount: Int { uncachedFree.count + cachedFree.count }
    public var usedCount: Int { totalCount - freeCount }
    /// Free blocks that still hold reusable cached content.
    public var cachedFreeCount: Int { cachedFree.count }

    public func referenceCount(of block: BlockID) -> Int { Int(referenceCounts[block.index]) }

    /// Takes one free block, evicting the least recently freed cached block if necessary.
    public mutating func allocate() -> BlockID? {
        if let index = uncachedFree.popLast() {
            referenceCounts[Int(index)] = 1
            return BlockID(index)
        }
        guard let index = cachedFree.popOldest() else { return nil }
        forgetContent(of: index)
        evictionCount += 1
        referenceCounts[Int(index)] = 1
        return BlockID(index)
    }

    /// Takes `count` blocks or none.
    public mutating func allocate(count: Int) -> [BlockID]? {
        guard count <= freeCount else { return nil }
        var blocks: [BlockID] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            guard let block = allocate() else { break }
            blocks.append(block)
        }
        return blocks
    }

    /// Drops one reference; a block nobody references becomes free (cached if it has content).
    public mutating func release(_ block: BlockID) {
        let i = block.index
        guard referenceCounts[i] > 0 else { return }
        referenceCounts[i] -= 1
        guard referenceCounts[i] == 0 else { return }
        if prefixCachingEnabled && contentHashes[i] != 0 {
            cachedFree.append(block.rawValue)
        } else {
            forgetContent(of: block.rawValue)
            uncachedFree.append(block.rawValue)
        }
    }

    public mutating func release<S: Sequence>(_ blocks: S) where S.Element == BlockID {
        for block in blocks { release(block) }
    }

    /// Records that a full block holds the content identified by `hash` (a prefix-chain hash).
    /// The first block registered for a hash stays the one the cache returns.
    public mutating func register(_ block: BlockID, contentHash hash: UInt64) {
        guard prefixCachingEnabled, hash != 0, contentHashes[block.index] == 0 else { return }
        guard cacheIndex[hash] == nil else { return }
        contentHashes[block.index] = hash
        cacheIndex[hash] = block.rawValue
    }

    /// A block holding `hash`, referenced once more by the caller, or nil.
    public mutating func acquireCached(contentHash hash: UInt64) -> BlockID? {
        guard prefixCachingEnabled, let index = cacheIndex[hash] else { return nil }
        if referenceCounts[Int(index)] == 0 { cachedFree.remove(index) }
        referenceCounts[Int(index)] += 1
        cacheHitBlockCount += 1
        return BlockID(index)
    }

    /// True if a block with this content is cached (used or free).
    public func isCached(contentHash hash: UInt64) -> Bool { cacheIndex[hash] != nil }

    private mutating func forgetContent(of index: Int32) {
        let hash = contentHashes[Int(index)]
        guard hash != 0 else { return }
        if cacheIndex[hash] == index { cacheIndex[hash] = nil }
        contentHashes[Int(index)] = 0
    }
}

/// Hash of a full block's tokens chained to its predecessor's hash (FNV-1a over 64-bit words,
/// then a splitmix finaliser). Deterministic across runs and platforms; never returns 0.
public func blockContentHash(parent: UInt64, tokens: ArraySlice<TokenID>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ parent
    for token in tokens {
        h ^= UInt64(UInt32(bitPattern: token))
        h = h &* 0x100_0000_01b3
    }
    h ^= h >> 30
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 27
    h = h &* 0x94d0_49bb_1331_11eb
    h ^= h >> 31
    return h == 0 ? 1 : h
}
