/// Activation buffers of one forward pass, grown on demand and reused across steps (no per-token
/// allocation).
struct ScratchBuffers {
    private(set) var rowCapacity = 0
    private(set) var dequantizedCapacity = 0
    var residual = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var normed = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var query = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var key = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var value = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var attention = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var projected = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var gate = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var up = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var dequantized = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    mutating func reserve(rows: Int, hyper h: LlamaHyperparameters, columnsForDequantization: Int) {
        if rows > rowCapacity {
            let capacity = max(rows, rowCapacity * 2)
            let d = h.embeddingLength, kv = h.kvDimension, f = h.feedForwardLength
            for pointer in [residual, normed, query, key, value, attention, projected, gate, up] { pointer.deallocate() }
            residual = .allocate(capacity: capacity * d)
            normed = .allocate(capacity: capacity * d)
            query = .allocate(capacity: capacity * d)
            key = .allocate(capacity: capacity * kv)
            value = .allocate(capacity: capacity * kv)
            attention = .allocate(capacity: capacity * d)
            projected = .allocate(capacity: capacity * d)
            gate = .allocate(capacity: capacity * f)
            up = .allocate(capacity: capacity * f)
            rowCapacity = capacity
        }
        if columnsForDequantization > dequantizedCapacity {
            dequantized.deallocate()
            dequantized = .allocate(capacity: columnsForDequantization)
            dequantizedCapacity = columnsForDequantization
        }
    }

    func release() {
        for pointer in [residual, normed, query, key, value, attention, projected, gate, up, dequantized] { pointer.deallocate() }
    }
}
