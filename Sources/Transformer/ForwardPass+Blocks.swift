import COpenBLAS

/// One matrix product of a region: `output[t·outputStride + r] (+)= Σ_c W[r, c]·input[t·columns + c]`.
///
/// `@unchecked Sendable`: a bundle of pointers for one region's workers, each of which writes
/// the output columns of the row chunks it claimed.
struct Product: @unchecked Sendable {
    let weights: WeightMatrix
    let input: UnsafeMutablePointer<Float>
    let blockSums: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let outputStride: Int
    let accumulate: Bool
}

extension ForwardPass {
    /// Pre-norm attention: fused Q/K/V products with RoPE and the K/V store as their epilogue,
    /// attention over the paged cache, and the output projection added to the residual.
    func attentionBlock(layer: Int, batch: [BatchSequence], _ a: Activations) {
        let weights = model.layers[layer], rows = layout.rowCount
        normalize(a.residual, rowCount: rows, norm: 2 * layer, into: a.normed)
        prepareSums(a.normed, columns: hyper.embeddingLength, rowCount: rows, a)
        let products = [
            product(weights.query, input: a.normed, output: a.query, a),
            product(weights.key, input: a.normed, output: a.key, a),
            product(weights.value, input: a.normed, output: a.value, a),
        ]
        let chunk = chunkRows(rows)
        let counts = products.map { ($0.weights.rows + chunk - 1) / chunk }
        pool.run(taskCount: counts.reduce(0, +)) { task, worker in
            var index = 0, local = task
            while local >= counts[index] {
                local -= counts[index]
                index += 1
            }
            let range = local * chunk..<min(products[index].weights.rows, (local + 1) * chunk)
            self.compute(products[index], rows: range, tokenCount: rows, worker: worker)
            self.finishQKV(index, range: range, layer: layer, a)
        }
        layout.positions.withUnsafeBufferPointer { positions in
            guard let base = positions.baseAddress else { return }
            let context = AttentionContext(
                hyper: hyper, cache: cache, layer: layer, query: a.query, output: a.attention, positions: base)
            let tasks = layout.attentionTasks
            pool.run(taskCount: tasks.count) { task, worker in
                let work = tasks[task]
                context.run(work, table: batch[work.sequence].blockTable, scratch: self.workers[worker])
            }
        }
        project(weights.output, input: a.attention, a)
    }

    /// RoPE on the claimed heads of Q or K, then K and V rows into the cache.
    private func finishQKV(_ index: Int, range: Range<Int>, layer: Int, _ a: Activations) {
        let hd = hyper.headDimension, half = hd / 2, heads = range.lowerBound / hd..<range.upperBound / hd
        let stride = index == 0 ? hyper.headCount * hd : hyper.kvDimension
        let base = index == 0 ? a.query : index == 1 ? a.key : a.value
        for row in 0..<layout.rowCount {
            let vector = base + row * stride
            if index < 2 {
                Elementwise.rope(
                    vector + heads.lowerBound * hd, headCount: heads.count, headDimension: hd,
                    cosines: a.cosines + row * half, sines: a.sines + row * half)
            }
            guard index > 0 else { continue }
            let block = layout.blocks[row], slot = layout.slots[row]
            for head in heads {
                let panel = cache.panel(block: block, layer: layer, isValue: index == 2, head: head)
                (panel + slot * hd).update(from: vector + head * hd, count: hd)
            }
        }
    }

    /// SwiGLU feed-forward: gate and up products per chunk with `silu(gate)·up` as their
    /// epilogue, then the down projection added to the residual.
    func feedForwardBlock(layer: Int, _ a: Activations) {
        let weights = model.layers[layer], rows = layout.rowCount, f = hyper.feedForwardLength
        normalize(a.residual, rowCount: rows, norm: 2 * layer + 1, into: a.normed)
        prepareSums(a.normed, columns: hyper.embeddingLength, rowCount: rows, a)
        let gate = product(weights.gate, input: a.normed, output: a.gate, a)
        let up = product(weights.up, input: a.normed, output: a.up, a)
        let chunk = chunkRows(rows)
        pool.run(taskCount: (f + chunk - 1) / chunk) { task, worker in
            let range = task * chunk..<min(f, (task + 1) * chunk)
            self.compute(gate, rows: range, tokenCount: rows, worker: worker)
            self.compute(up, rows: range, tokenCount: rows, worker: worker)
            for row in 0..<rows {
                let offset = row * f + range.lowerBound
                Elementwise.swiGLU(gate.output + offset, up.output + offset, count: range.count)
            }
        }
        project(weights.down, input: a.gate, a)
    }

    /// `residual += input · Wᵀ`, chunked over the output features.
    private func project(_ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, _ a: Activations) {
        let rows = layout.rowCount
        prepareSums(input, columns: weights.columns, rowCount: rows, a)
        let projection = Product(
            weights: weights, input: input, blockSums: a.blockSums, output: a.residual,
            outputStride: hyper.embeddingLength, accumulate: true)
        runChunked(projection, tokenCount: rows)
    }

    /// Final norm of the rows that produce logits, then the LM head.
    func computeLogits(_ a: Activations) {
        let count = layout.logitRows.count
        guard count > 0 else { return }
        normalize(a.residual, rows: layout.logitRows, rowCount: count, norm: 2 * hyper.layerCount, into: a.finalNormed)
        prepareSums(a.finalNormed, columns: hyper.embeddingLength, rowCount: count, a)
        let head = Product(
            weights: model.outputHead, input: a.finalNormed, blockSums: a.blockSums, output: a.logits,
            outputStride: hyper.vocabularySize, accumulate: false)
        runChunked(head, tokenCount: count)
    }

    private func runChunked(_ product: Product, tokenCount: Int) {
        let chunk = chunkRows(tokenCount), total = product.weights.rows
        pool.run(taskCount: (total + chunk - 1) / chunk) { task, worker in
            self.compute(product, rows: task * chunk..<min(total, (task + 1) * chunk), tokenCount: tokenCount, worker: worker)
        }
    }

    private func product(_ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, _ a: Activations) -> Product {
        Product(weights: weights, input: input, blockSums: a.blockSums, output: output, outputStride: weights.rows, accumulate: false)
    }

    /// Output features per task: whole heads (RoPE works per head); fewer rows on the vector
    /// path, where a task is cheap and a finer split balances the two cores better.
    func chunkRows(_ tokenCount: Int) -> Int {
        let base = tokenCount <= vectorRowLimit ? 64 : 128, hd = hyper.headDimension
        return (base + hd - 1) / hd * hd
    }

    private func prepareSums(_ input: UnsafeMutablePointer<Float>, columns: Int, rowCount: Int, _ a: Activations) {
        guard rowCount <= vectorRowLimit else { return }
        WeightMatrix.blockSums(input, columns: columns, tokenCount: rowCount, into: a.blockSums)
    }

    /// Rows `rows` of `product` for all `tokenCount` input rows, on the path `vectorRowLimit` picks.
    func compute(_ product: Product, rows: Range<Int>, tokenCount: Int, worker: Int) {
        let weights = product.weights, columns = weights.columns
        if tokenCount <= vectorRowLimit {
            for token in 0..<tokenCount {
                weights.multiplyVector(
                    rows: rows, input: product.input + token * columns, blockSums: product.blockSums + token * columns / 32,
                    output: product.output + token * product.outputStride, accumulate: product.accumulate)
            }
            return
        }
        let tile = workers[worker].tile.reserve(rows.count * columns)
        weights.dequantize(rows: rows, into: tile)
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tokenCount), Int32(rows.count), Int32(columns), 1,
            product.input, Int32(columns), tile, Int32(columns), product.accumulate ? 1 : 0,
            product.output + rows.lowerBound, Int32(product.outputStride))
    }
}
