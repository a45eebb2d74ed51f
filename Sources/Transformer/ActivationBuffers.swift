/// Pointers to one pass's activations, row-major with one row per batch row.
///
/// `@unchecked Sendable`: handed to the workers of a region, which write disjoint parts (their
/// output columns or rows) and read parts written before the region started.
struct Activations: @unchecked Sendable {
    /// The residual stream `[row][embeddingLength]` (f32, never f16: it reaches |x| ≈ 2.2e4).
    let residual: UnsafeMutablePointer<Float>
    /// RMSNorm output `[row][embeddingLength]`.
    let normed: UnsafeMutablePointer<Float>
    let query: UnsafeMutablePointer<Float>
    let key: UnsafeMutablePointer<Float>
    let value: UnsafeMutablePointer<Float>
    /// Attention output `[row][headCount·headDimension]`.
    let attention: UnsafeMutablePointer<Float>
    /// SwiGLU gate, then the hidden activation `[row][feedForwardLength]`.
    let gate: UnsafeMutablePointer<Float>
    let up: UnsafeMutablePointer<Float>
    /// Per-row sums of 32-value blocks of a product's input (quantized-vector path).
    let blockSums: UnsafeMutablePointer<Float>
    /// `cos`/`sin(position·θ_i)` per row, `headDimension/2` each.
    let cosines: UnsafeMutablePointer<Float>
    let sines: UnsafeMutablePointer<Float>
    /// Final-norm output of the rows that produce logits `[logitRow][embeddingLength]`.
    let finalNormed: UnsafeMutablePointer<Float>
    /// `[logitRow][vocabularySize]`.
    let logits: UnsafeMutablePointer<Float>
}

/// The activation buffers of a `ForwardPass`, grown on demand and reused across passes.
final class ActivationBuffers {
    private let buffers = (0..<13).map { _ in GrowableBuffer() }

    /// Buffers for `rows` batch rows of which `logitRows` produce logits.
    func prepare(rows: Int, logitRows: Int, hyper h: LlamaHyperparameters) -> Activations {
        let d = h.embeddingLength, attention = h.headCount * h.headDimension, kv = h.kvDimension
        let f = h.feedForwardLength, widest = max(d, attention, f)
        let sizes = [
            rows * d, rows * d, rows * attention, rows * kv, rows * kv, rows * attention, rows * f, rows * f,
            max(rows, logitRows) * widest / 32, rows * h.headDimension / 2, rows * h.headDimension / 2,
            logitRows * d, logitRows * h.vocabularySize,
        ]
        var pointers: [UnsafeMutablePointer<Float>] = []
        for index in sizes.indices { pointers.append(buffers[index].reserve(max(1, sizes[index]))) }
        return Activations(
            residual: pointers[0], normed: pointers[1], query: pointers[2], key: pointers[3], value: pointers[4],
            attention: pointers[5], gate: pointers[6], up: pointers[7], blockSums: pointers[8], cosines: pointers[9],
            sines: pointers[10], finalNormed: pointers[11], logits: pointers[12])
    }
}
