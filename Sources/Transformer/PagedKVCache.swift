/// K and V of every layer in fixed-size blocks, addressed by block id and slot (position within
/// the block), plus a host area of the same block shape for swapped-out blocks.
///
/// Layout: `[layer][block][slot][kvDimension]` floats for keys and for values; host slots hold
/// `[layer][slot][kvDimension]` per block. f32, so cached attention reproduces an uncached pass.
public final class PagedKVCache {
    public let blockCount: Int
    public let blockSize: Int
    public let layerCount: Int
    public let kvDimension: Int
    public let hostBlockCount: Int
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    private let hostKeys: UnsafeMutablePointer<Float>
    private let hostValues: UnsafeMutablePointer<Float>

    public init(blockCount: Int, blockSize: Int, layerCount: Int, kvDimension: Int, hostBlockCount: Int = 0) {
        self.blockCount = max(1, blockCount)
        self.blockSize = max(1, blockSize)
        self.layerCount = layerCount
        self.kvDimension = kvDimension
        self.hostBlockCount = max(0, hostBlockCount)
        let device = self.blockCount * self.blockSize * layerCount * kvDimension
        let host = max(1, self.hostBlockCount * self.blockSize * layerCount * kvDimension)
        keys = .allocate(capacity: device)
        values = .allocate(capacity: device)
        keys.initialize(repeating: 0, count: device)
        values.initialize(repeating: 0, count: device)
        hostKeys = .allocate(capacity: host)
        hostValues = .allocate(capacity: host)
        hostKeys.initialize(repeating: 0, count: host)
        hostValues.initialize(repeating: 0, count: host)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
        hostKeys.deallocate()
        hostValues.deallocate()
    }

    /// Float offset of (layer, block, slot).
    @inline(__always)
    func offset(layer: Int, block: Int, slot: Int) -> Int {
        ((layer * blockCount + block) * blockSize + slot) * kvDimension
    }

    /// Bytes of KV per token (all layers, K and V).
    public var bytesPerToken: Int { 2 * layerCount * kvDimension * 4 }

    /// Copies a device block to a host slot (every layer).
    public func copyToHost(block: Int, slot: Int) {
        let count = blockSize * kvDimension
        for layer in 0..<layerCount {
            let device = offset(layer: layer, block: block, slot: 0)
            let host = (slot * layerCount + layer) * count
            (hostKeys + host).update(from: keys + device, count: count)
            (hostValues + host).update(from: values + device, count: count)
        }
    }

    /// Copies a host slot back into a device block (every layer).
    public func copyFromHost(slot: Int, block: Int) {
        let count = blockSize * kvDimension
        for layer in 0..<layerCount {
            let device = offset(layer: layer, block: block, slot: 0)
            let host = (slot * layerCount + layer) * count
            (keys + device).update(from: hostKeys + host, count: count)
            (values + device).update(from: hostValues + host, count: count)
        }
    }
}
