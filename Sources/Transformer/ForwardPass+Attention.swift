import Foundation

extension ForwardPass {
    /// Pre-norm attention: Q/K/V projections, RoPE, K/V written into the paged cache, causal
    /// grouped-query attention over each sequence's blocks, output projection, residual add.
    func attentionBlock(layer: Int, batch: [BatchSequence], rows: [TokenRow]) {
        let h = model.hyperparameters
        let weights = model.layers[layer]
        let d = h.embeddingLength, kv = h.kvDimension
        weights.attentionNorm.withUnsafeBufferPointer { norm in
            for row in rows.indices {
                Elementwise.rmsNorm(scratch.residual + row * d, norm.baseAddress!, scratch.normed + row * d, count: d, epsilon: h.rmsEpsilon)
            }
        }
        multiply(weights.query, scratch.normed, rowCount: rows.count, scratch.query)
        multiply(weights.key, scratch.normed, rowCount: rows.count, scratch.key)
        multiply(weights.value, scratch.normed, rowCount: rows.count, scratch.value)
        inverseFrequencies.withUnsafeBufferPointer { frequencies in
            for (row, token) in rows.enumerated() {
                Elementwise.rope(scratch.query + row * d, headCount: h.headCount, headDimension: h.headDimension, position: token.position, inverseFrequencies: frequencies.baseAddress!)
                Elementwise.rope(scratch.key + row * kv, headCount: h.kvHeadCount, headDimension: h.headDimension, position: token.position, inverseFrequencies: frequencies.baseAddress!)
                let block = Int(batch[token.sequence].blockTable[token.position / cache.blockSize])
                let offset = cache.offset(layer: layer, block: block, slot: token.position % cache.blockSize)
                (cache.keys + offset).update(from: scratch.key + row * kv, count: kv)
                (cache.values + offset).update(from: scratch.value + row * kv, count: kv)
            }
        }
        attend(layer: layer, batch: batch, rows: rows)
        multiply(weights.output, scratch.attention, rowCount: rows.count, scratch.projected)
        Elementwise.add(scratch.residual, scratch.projected, count: rows.count * d)
    }

    /// Every row attends to positions `0…position` of its own sequence, in parallel over rows.
    private func attend(layer: Int, batch: [BatchSequence], rows: [TokenRow]) {
        let h = model.hyperparameters
        let tables = batch.map(\.blockTable)
        let context = AttentionContext(
            hyper: h, cache: cache, layer: layer, query: SharedPointer(scratch.query), output: SharedPointer(scratch.attention))
        let rowsCopy = rows
        Parallel.forRanges(rows.count, threads: threads, minimumPerThread: 1) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: (h.contextLength + 16) * h.groupSize)
            defer { scores.deallocate() }
            for row in range {
                context.attend(row: row, position: rowsCopy[row].position, table: tables[rowsCopy[row].sequence], scores: scores)
            }
        }
    }
}

/// What the attention of one layer reads and writes.
///
/// `@unchecked Sendable`: the cache is only read here (this layer's K/V were written before the
/// parallel region starts), and each worker writes the output rows of its own range.
struct AttentionContext: @unchecked Sendable {
    let hyper: LlamaHyperparameters
    let cache: PagedKVCache
    let layer: Int
    let query: SharedPointer<Float>
    let output: SharedPointer<Float>

    /// Softmax attention for one row, one KV head (and its group of query heads) at a time.
    func attend(row: Int, position: Int, table: [Int32], scores: UnsafeMutablePointer<Float>) {
        let hd = hyper.headDimension, group = hyper.groupSize, d = hyper.embeddingLength
        let scale = 1 / Float(hd).squareRoot()
        let length = position + 1
        for kvHead in 0..<hyper.kvHeadCount {
            let q = query.pointer + row * d + kvHead * group * hd
            for j in 0..<length {
                let k = cache.keys + cache.offset(layer: layer, block: Int(table[j / cache.blockSize]), slot: j % cache.blockSize) + kvHead * hd
                for g in 0..<group { scores[g * length + j] = dot(q + g * hd, k, hd) * scale }
            }
            for g in 0..<group { softmax(scores + g * length, length) }
            let out = output.pointer + row * d + kvHead * group * hd
            out.initialize(repeating: 0, count: group * hd)
            for j in 0..<length {
                let v = cache.values + cache.offset(layer: layer, block: Int(table[j / cache.blockSize]), slot: j % cache.blockSize) + kvHead * hd
                for g in 0..<group { axpy(scores[g * length + j], v, out + g * hd, hd) }
            }
        }
    }

    @inline(__always)
    private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i < n {
            acc.addProduct(UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self), UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self))
            i += 16
        }
        return acc.sum()
    }

    @inline(__always)
    private func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i < n {
            var acc = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            acc.addProduct(a, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
            UnsafeMutableRawPointer(y + i).storeBytes(of: acc, as: SIMD16<Float>.self)
            i += 16
        }
    }

    private func softmax(_ values: UnsafeMutablePointer<Float>, _ n: Int) {
        var maximum = -Float.infinity
        for i in 0..<n { maximum = max(maximum, values[i]) }
        var total: Float = 0
        for i in 0..<n {
            values[i] = exp(values[i] - maximum)
            total += values[i]
        }
        let inverse = 1 / total
        for i in 0..<n { values[i] *= inverse }
    }
}
