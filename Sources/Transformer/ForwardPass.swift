import COpenBLAS
import Foundation

/// Runs mixed batches through a `LlamaModel` over a `PagedKVCache`: every sequence's tokens are
/// flattened into one row block so each weight matrix is streamed once per step, whatever the mix
/// of prefill chunks and decodes.
public final class ForwardPass {
    public let model: LlamaModel
    public let cache: PagedKVCache
    public let threads: Int
    /// From this many rows on, matrices are dequantized to f32 and multiplied with sgemm.
    public var blasThreshold = 24
    let inverseFrequencies: [Float]
    var scratch = ScratchBuffers()

    deinit { scratch.release() }

    public init(model: LlamaModel, cache: PagedKVCache, threads: Int = 2) throws(TransformerError) {
        let h = model.hyperparameters
        guard cache.layerCount == h.layerCount, cache.kvDimension == h.kvDimension else {
            throw .invalidBatch("KV cache shape (\(cache.layerCount) layers × \(cache.kvDimension)) does not match the model (\(h.layerCount) × \(h.kvDimension))")
        }
        self.model = model
        self.cache = cache
        self.threads = max(1, threads)
        inverseFrequencies = Elementwise.inverseFrequencies(headDimension: h.headDimension, base: h.ropeBase)
    }

    /// Runs the batch and returns the last-position logits of each sequence with `wantsLogits`,
    /// in batch order.
    public func run(_ batch: [BatchSequence]) throws(TransformerError) -> [[Float]] {
        let rows = try validate(batch)
        guard !rows.isEmpty else { return [] }
        let h = model.hyperparameters
        scratch.reserve(rows: rows.count, hyper: h, columnsForDequantization: max(h.feedForwardLength, h.embeddingLength) * h.embeddingLength)
        embed(batch, rowCount: rows.count)
        for layer in 0..<h.layerCount {
            attentionBlock(layer: layer, batch: batch, rows: rows)
            feedForwardBlock(layer: layer, rowCount: rows.count)
        }
        return logits(batch)
    }

    /// Checks tokens, positions and block tables; flattens the batch into rows.
    func validate(_ batch: [BatchSequence]) throws(TransformerError) -> [TokenRow] {
        let h = model.hyperparameters
        var rows: [TokenRow] = []
        for (index, sequence) in batch.enumerated() {
            let end = sequence.startPosition + sequence.tokens.count
            guard sequence.startPosition >= 0, end <= h.contextLength else {
                throw .invalidBatch("sequence \(index): positions \(sequence.startPosition)..<\(end) outside the context of \(h.contextLength)")
            }
            guard sequence.blockTable.count * cache.blockSize >= end else {
                throw .invalidBatch("sequence \(index): \(sequence.blockTable.count) blocks cannot hold \(end) positions")
            }
            if let bad = sequence.blockTable.first(where: { $0 < 0 || Int($0) >= cache.blockCount }) {
                throw .invalidBatch("sequence \(index): block \(bad) outside the pool of \(cache.blockCount)")
            }
            if let bad = sequence.tokens.first(where: { $0 < 0 || Int($0) >= h.vocabularySize }) {
                throw .invalidBatch("sequence \(index): token \(bad) outside the vocabulary of \(h.vocabularySize)")
            }
            for offset in sequence.tokens.indices {
                rows.append(TokenRow(sequence: index, position: sequence.startPosition + offset))
            }
        }
        return rows
    }

    private func embed(_ batch: [BatchSequence], rowCount: Int) {
        let d = model.hyperparameters.embeddingLength
        var row = 0
        for sequence in batch {
            for token in sequence.tokens {
                model.tokenEmbedding.dequantize(rows: Int(token)..<Int(token) + 1, into: scratch.residual + row * d)
                row += 1
            }
        }
    }

    /// `output[rows × W.rows] = input[rows × W.columns] · Wᵀ`.
    func multiply(_ weights: WeightMatrix, _ input: UnsafeMutablePointer<Float>, rowCount: Int, _ output: UnsafeMutablePointer<Float>) {
        let inputShared = SharedPointer(input), outputShared = SharedPointer(output)
        if rowCount >= blasThreshold {
            let tile = SharedPointer(scratch.dequantized)
            Parallel.forRanges(weights.rows, threads: threads) { range in
                weights.dequantize(rows: range, into: tile.pointer + range.lowerBound * weights.columns)
            }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rowCount), Int32(weights.rows), Int32(weights.columns), 1,
                input, Int32(weights.columns), scratch.dequantized, Int32(weights.columns), 0, output, Int32(weights.rows))
            return
        }
        Parallel.forRanges(weights.rows, threads: threads) { range in
            weights.multiply(rows: range, input: inputShared.pointer, tokenCount: rowCount, output: outputShared.pointer, outputStride: weights.rows)
        }
    }

    private func feedForwardBlock(layer: Int, rowCount: Int) {
        let h = model.hyperparameters
        let weights = model.layers[layer]
        let d = h.embeddingLength, f = h.feedForwardLength
        weights.feedForwardNorm.withUnsafeBufferPointer { norm in
            for row in 0..<rowCount {
                Elementwise.rmsNorm(scratch.residual + row * d, norm.baseAddress!, scratch.normed + row * d, count: d, epsilon: h.rmsEpsilon)
            }
        }
        multiply(weights.gate, scratch.normed, rowCount: rowCount, scratch.gate)
        multiply(weights.up, scratch.normed, rowCount: rowCount, scratch.up)
        Elementwise.swiGLU(scratch.gate, scratch.up, count: rowCount * f)
        multiply(weights.down, scratch.gate, rowCount: rowCount, scratch.projected)
        Elementwise.add(scratch.residual, scratch.projected, count: rowCount * d)
    }

    private func logits(_ batch: [BatchSequence]) -> [[Float]] {
        let h = model.hyperparameters
        let d = h.embeddingLength
        var lastRows: [Int] = []
        var row = 0
        for sequence in batch {
            row += sequence.tokens.count
            if sequence.wantsLogits { lastRows.append(row - 1) }
        }
        guard !lastRows.isEmpty else { return [] }
        model.outputNorm.withUnsafeBufferPointer { norm in
            for (index, source) in lastRows.enumerated() {
                Elementwise.rmsNorm(scratch.residual + source * d, norm.baseAddress!, scratch.normed + index * d, count: d, epsilon: h.rmsEpsilon)
            }
        }
        let vocabulary = model.outputHead.rows
        let out = UnsafeMutablePointer<Float>.allocate(capacity: lastRows.count * vocabulary)
        defer { out.deallocate() }
        let input = SharedPointer(scratch.normed), output = SharedPointer(out), count = lastRows.count, head = model.outputHead
        Parallel.forRanges(vocabulary, threads: threads) { range in
            head.multiply(rows: range, input: input.pointer, tokenCount: count, output: output.pointer, outputStride: vocabulary)
        }
        return (0..<lastRows.count).map { Array(UnsafeBufferPointer(start: out + $0 * vocabulary, count: vocabulary)) }
    }
}

extension ForwardPass {
    /// Greedy argmax of a logits row.
    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return best
    }
}
