import ServingCore
import Testing

@Suite struct BlockPoolTests {
    @Test func accountingIsExact() {
        var pool = BlockPool(totalCount: 8, blockSize: 16, prefixCachingEnabled: false)
        let blocks = pool.allocate(count: 5)
        #expect(blocks?.count == 5)
        #expect(pool.freeCount == 3 && pool.usedCount == 5)
        #expect(pool.allocate(count: 4) == nil, "all or nothing")
        #expect(pool.freeCount == 3)
        pool.release(blocks ?? [])
        #expect(pool.freeCount == 8 && pool.usedCount == 0)
    }

    @Test func sharedBlocksAreFreedWithTheLastReference() throws {
        var pool = BlockPool(totalCount: 4, blockSize: 4, prefixCachingEnabled: true)
        let allocated = pool.allocate()
        let block = try #require(allocated)
        pool.register(block, contentHash: 42)
        let acquired = pool.acquireCached(contentHash: 42)
        let again = try #require(acquired)
        #expect(again == block && pool.referenceCount(of: block) == 2)
        pool.release(block)
        #expect(pool.usedCount == 1)
        pool.release(block)
        #expect(pool.usedCount == 0 && pool.cachedFreeCount == 1)
    }

    /// Freed cached blocks stay findable; when memory runs out the least recently freed is
    /// evicted first and its content is forgotten.
    @Test func evictsLeastRecentlyFreedCachedBlock() throws {
        var pool = BlockPool(totalCount: 3, blockSize: 4, prefixCachingEnabled: true)
        let allocated = pool.allocate(count: 3)
        let blocks = try #require(allocated)
        for (index, block) in blocks.enumerated() { pool.register(block, contentHash: UInt64(100 + index)) }
        pool.release(blocks[1])
        pool.release(blocks[0])
        pool.release(blocks[2])
        #expect(pool.freeCount == 3 && pool.cachedFreeCount == 3)
        let first = pool.allocate()
        #expect(first == blocks[1], "freed first, evicted first")
        #expect(!pool.isCached(contentHash: 101) && pool.isCached(contentHash: 100) && pool.isCached(contentHash: 102))
        // A cache hit on blocks[0] takes it out of the eviction order; the next eviction is blocks[2].
        #expect(pool.acquireCached(contentHash: 100) == blocks[0])
        #expect(pool.allocate() == blocks[2])
        #expect(pool.allocate() == nil)
        #expect(pool.evictionCount == 2)
    }

    @Test func chainHashDependsOnParentAndTokens() {
        let tokens: [TokenID] = [1, 2, 3, 4]
        let a = blockContentHash(parent: 0, tokens: tokens[...])
        #expect(a == blockContentHash(parent: 0, tokens: tokens[...]))
        #expect(a != blockContentHash(parent: 7, tokens: tokens[...]))
        #expect(a != blockContentHash(parent: 0, tokens: [1, 2, 3, 5][...]))
        #expect(a != 0)
    }

    @Test func hostSwapSpaceAccounting() {
        var host = HostSwapSpace(totalCount: 2)
        let a = host.allocate(), b = host.allocate()
        #expect(a != nil && b != nil && host.allocate() == nil)
        #expect(host.usedCount == 2)
        if let a { host.release(a) }
        #expect(host.freeCount == 1)
    }
}
