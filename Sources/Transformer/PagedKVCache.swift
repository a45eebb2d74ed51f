import Foundation

/// Keys and values of every layer in fixed-size blocks addressed by block id, plus a host area
/// of the same block shape that swapped-out blocks are copied to.
///
/// Layout: block-major, `[block][layer][K|V][kvHead][slot][headDimension]` f32. One block is
/// one contiguous run (a swap is two `memcpy`s), and one (block, layer, head) panel of
/// `blockSize × headDimension` floats is contiguous, which is what attention streams. Values are
/// f32 so cached attention reproduces an uncached pass. Both areas come from `calloc`: pages a
/// sequence never reaches are never touched and cost no resident memory.
public final class PagedKVCache: @unchecked Sendable {
    // @unchecked Sendable: the storage is written only inside a forward pass or a swap, which
    // the owner (`ForwardPass`, `CPUModelExecutor`) runs one at a time; within a pass, workers
    // write disjoint (block, slot) rows and read only rows written before the region started.

    /// Device blocks.
    public let blockCount: Int
    /// Positions per block.
    public let blockSize: Int
    public let layerCount: Int
    public let kvHeadCount: Int
    public let headDimension: Int
    /// Host slots for swapped-out blocks.
    public let hostBlockCount: Int
    /// Floats in one block (every layer, K and V).
    let blockFloats: Int
    let storage: UnsafeMutablePointer<Float>
    private let host: UnsafeMutablePointer<Float>?

    /// Allocates `blockCount` device blocks and `hostBlockCount` host slots.
    public init(
        blockCount: Int, blockSize: Int, layerCount: Int, kvHeadCount: Int, headDimension: Int,
        hostBlockCount: Int = 0
    ) throws(TransformerError) {
        for (name, value) in [
            ("blockCount", blockCount), ("blockSize", blockSize), ("layerCount", layerCount),
            ("kvHeadCount", kvHeadCount), ("headDimension", headDimension),
        ] where value <= 0 {
            throw .invalidCacheShape("\(name) = \(value) must be positive")
        }
        guard hostBlockCount >= 0 else { throw .invalidCacheShape("hostBlockCount = \(hostBlockCount) must not be negative") }
        let (floats, overflow) = layerCount.multipliedReportingOverflow(by: 2 * kvHeadCount * blockSize * headDimension)
        let (total, overflow2) = floats.multipliedReportingOverflow(by: blockCount + hostBlockCount)
        guard !overflow, !overflow2, let device = calloc(blockCount * floats, 4) else {
            throw .invalidCacheShape("cannot allocate \(blockCount) blocks of \(floats) floats (\(total) in all)")
        }
        self.blockCount = blockCount
        self.blockSize = blockSize
        self.layerCount = layerCount
        self.kvHeadCount = kvHeadCount
        self.headDimension = headDimension
        self.hostBlockCount = hostBlockCount
        blockFloats = floats
        storage = device.bindMemory(to: Float.self, capacity: blockCount * floats)
        host = hostBlockCount > 0 ? calloc(hostBlockCount * floats, 4)?.bindMemory(to: Float.self, capacity: hostBlockCount * floats) : nil
        guard hostBlockCount == 0 || host != nil else {
            free(device)
            throw .invalidCacheShape("cannot allocate \(hostBlockCount) host slots of \(floats) floats")
        }
    }

    deinit {
        free(storage)
        if let host { free(host) }
    }

    /// Bytes of K and V per cached token (all layers).
    public var bytesPerToken: Int { 2 * layerCount * kvHeadCount * headDimension * 4 }

    /// Start of the `blockSize × headDimension` panel of (block, layer, K or V, head).
    @inline(__always)
    func panel(block: Int, layer: Int, isValue: Bool, head: Int) -> UnsafeMutablePointer<Float> {
        let kind = isValue ? 1 : 0
        return storage + block * blockFloats + ((layer * 2 + kind) * kvHeadCount + head) * blockSize * headDimension
    }

    /// Copies device block `block` to host slot `slot` (every layer, K and V).
    public func copyToHost(block: Int, slot: Int) throws(TransformerError) {
        let host = try hostSlot(slot)
        try checkBlock(block)
        host.update(from: storage + block * blockFloats, count: blockFloats)
    }

    /// Copies host slot `slot` back into device block `block`.
    public func copyFromHost(slot: Int, block: Int) throws(TransformerError) {
        let host = try hostSlot(slot)
        try checkBlock(block)
        (storage + block * blockFloats).update(from: host, count: blockFloats)
    }

    private func checkBlock(_ block: Int) throws(TransformerError) {
        guard block >= 0, block < blockCount else { throw .blockOutOfRange(block: block, blockCount: blockCount) }
    }

    private func hostSlot(_ slot: Int) throws(TransformerError) -> UnsafeMutablePointer<Float> {
        guard let host, slot >= 0, slot < hostBlockCount else {
            throw .hostSlotOutOfRange(slot: slot, slotCount: hostBlockCount)
        }
        return host + slot * blockFloats
    }
}
