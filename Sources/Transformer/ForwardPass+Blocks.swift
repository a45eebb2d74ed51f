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
        runProducts(products, tokenCount: rows) { index, tokens, features in
            self.finishQKV(index ?? 0, tokens: tokens, features: features, layer: layer, a)
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

    /// RoPE on the finished heads of Q or K, then K and V rows into the cache.
    private func finishQKV(_ index: Int, tokens: Range<Int>, features: Range<Int>, layer: Int, _ a: Activations) {
        let hd = hyper.headDimension, half = hd / 2, heads = features.lowerBound / hd..<features.upperBound / hd
        let stride = index == 0 ? hyper.headCount * hd : hyper.kvDimension
        let base = index == 0 ? a.query : index == 1 ? a.key : a.value
        for row in tokens {
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

    /// SwiGLU feed-forward: gate and up products in lock step with `silu(gate)·up` as their
    /// epilogue, then the down projection added to the residual.
    func feedForwardBlock(layer: Int, _ a: Activations) {
        let weights = model.layers[layer], rows = layout.rowCount, f = hyper.feedForwardLength
        normalize(a.residual, rowCount: rows, norm: 2 * layer + 1, into: a.normed)
        prepareSums(a.normed, columns: hyper.embeddingLength, rowCount: rows, a)
        let products = [
            product(weights.gate, input: a.normed, output: a.gate, a),
            product(weights.up, input: a.normed, output: a.up, a),
        ]
        runProducts(products, tokenCount: rows, lockstep: true) { _, tokens, features in
            for row in tokens {
                let offset = row * f + features.lowerBound
                Elementwise.swiGLU(a.gate + offset, a.up + offset, count: features.count)
            }
        }
        project(weights.down, input: a.gate, a)
    }

    /// `residual += input · Wᵀ`.
    private func project(_ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, _ a: Activations) {
        let rows = layout.rowCount
        prepareSums(input, columns: weights.columns, rowCount: rows, a)
        let projection = Product(
            weights: weights, input: input, blockSums: a.blockSums, output: a.residual,
            outputStride: hyper.embeddingLength, accumulate: true)
        runProducts([projection], tokenCount: rows)
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
        runProducts([head], tokenCount: count)
    }

    /// A product whose output rows are the matrix's rows (`outputStride = weights.rows`).
    func product(
        _ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, _ a: Activations
    ) -> Product {
        Product(weights: weights, input: input, blockSums: a.blockSums, output: output, outputStride: weights.rows, accumulate: false)
    }

    /// Block sums of the input, which only the quantized-vector path reads.
    func prepareSums(_ input: UnsafeMutablePointer<Float>, columns: Int, rowCount: Int, _ a: Activations) {
        guard rowCount <= vectorRowLimit else { return }
        WeightMatrix.blockSums(input, columns: columns, tokenCount: rowCount, into: a.blockSums)
    }
}
