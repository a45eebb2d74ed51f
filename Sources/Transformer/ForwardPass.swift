import COpenBLAS
import Foundation

/// Runs mixed batches — prefill chunks and single decode tokens of several sequences — through
/// a `LlamaModel` over a `PagedKVCache`. All rows of a batch are flattened into one activation
/// matrix, so each weight matrix is streamed once per pass whatever the mix.
///
/// Not thread-safe: one pass at a time (the executor and the CLI own their pass).
public final class ForwardPass {
    public let model: LlamaModel
    public let cache: PagedKVCache
    public let pool: WorkerPool
    /// Products over at most this many rows use the quantized matrix-vector kernels (bound by the
    /// bytes of weights streamed); above it, weight tiles are dequantized to f32 and multiplied
    /// with sgemm (bound by FLOPs). Measured crossover on Zen 4: 2–3 rows.
    public var vectorRowLimit = 2
    /// Products over at least this many rows dequantize whole matrices once and give each task a
    /// tile of rows (`ProductMode.tokenTiles`).
    public var tokenTileRows = 128
    /// Sequences with at least this many new rows attend with sgemm over tiles.
    public var attentionGemmRows = 16
    /// Largest set of matrices (in floats) the token-tile mode dequantizes at once; the LM head
    /// (28 M values for SmolLM2) stays on row tiles.
    let maxDenseWeights = 4 << 20
    let denseWeights = GrowableBuffer()
    /// The inputs of a row-tile region, transposed for `TileKernel`.
    let transposedInputs = GrowableBuffer()
    let hyper: LlamaHyperparameters
    /// Norm weights: layer `l`'s attention norm at `2l`, its FFN norm at `2l+1`, the output norm last.
    let norms: UnsafeMutablePointer<Float>
    let inverseFrequencies: [Double]
    var layout = BatchLayout()
    let buffers = ActivationBuffers()
    let workers: WorkerScratchSet
    private var current: Activations?
    /// Rows of logits the last pass produced.
    public private(set) var logitRowCount = 0

    /// A pass over `cache` (which must have the model's layer and KV-head shape) using `pool`.
    public init(model: LlamaModel, cache: PagedKVCache, pool: WorkerPool) throws(TransformerError) {
        let h = model.hyperparameters
        guard cache.layerCount == h.layerCount, cache.kvHeadCount == h.kvHeadCount, cache.headDimension == h.headDimension else {
            throw .invalidCacheShape(
                "\(cache.layerCount) layers × \(cache.kvHeadCount) heads × \(cache.headDimension) does not match the model's "
                    + "\(h.layerCount) × \(h.kvHeadCount) × \(h.headDimension)")
        }
        self.model = model
        self.cache = cache
        self.pool = pool
        hyper = h
        workers = WorkerScratchSet(count: pool.threadCount)
        let d = h.embeddingLength
        norms = .allocate(capacity: (2 * h.layerCount + 1) * d)
        for (index, layer) in model.layers.enumerated() {
            (norms + 2 * index * d).initialize(from: layer.attentionNorm, count: d)
            (norms + (2 * index + 1) * d).initialize(from: layer.feedForwardNorm, count: d)
        }
        (norms + 2 * h.layerCount * d).initialize(from: model.outputNorm, count: d)
        inverseFrequencies = (0..<h.headDimension / 2).map { i in
            pow(Double(h.ropeBase), -2 * Double(i) / Double(h.headDimension))
        }
        // Our workers split the products; OpenBLAS must not start threads of its own on top.
        openblas_set_num_threads(1)
    }

    /// A pass with its own pool of `threads` threads.
    public convenience init(model: LlamaModel, cache: PagedKVCache, threads: Int) throws(TransformerError) {
        try self.init(model: model, cache: cache, pool: WorkerPool(threadCount: threads))
    }

    deinit { norms.deallocate() }

    /// Runs `batch`, writing each sequence's new K/V into its blocks. Returns the number of logit
    /// rows: in batch order, one per sequence with `.last`, one per new token with `.all`.
    /// Read them with `withLogits(row:_:)` or `logits(row:)` before the next pass.
    @discardableResult
    public func run(_ batch: [BatchSequence]) throws(TransformerError) -> Int {
        try layout.build(batch, hyper: hyper, cache: cache, gemmRowThreshold: attentionGemmRows)
        let a = buffers.prepare(rows: layout.rowCount, logitRows: layout.logitRows.count, hyper: hyper)
        current = a
        prepareRotations(a)
        embed(batch, a)
        for layer in 0..<hyper.layerCount {
            attentionBlock(layer: layer, batch: batch, a)
            feedForwardBlock(layer: layer, a)
        }
        computeLogits(a)
        logitRowCount = layout.logitRows.count
        return logitRowCount
    }

    /// Calls `body` with logit row `row` of the last pass (`vocabularySize` floats).
    public func withLogits<Result>(row: Int, _ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result? {
        guard let current, row >= 0, row < logitRowCount else { return nil }
        let vocabulary = hyper.vocabularySize
        return try body(UnsafeBufferPointer(start: current.logits + row * vocabulary, count: vocabulary))
    }

    /// Logit row `row` of the last pass, writable (e.g. to mask tokens before sampling); nil when
    /// out of range.
    public func withMutableLogits<Result>(row: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result) rethrows -> Result? {
        guard let current, row >= 0, row < logitRowCount else { return nil }
        let vocabulary = hyper.vocabularySize
        return try body(UnsafeMutableBufferPointer(start: current.logits + row * vocabulary, count: vocabulary))
    }

    /// A copy of logit row `row` of the last pass (empty when out of range).
    public func logits(row: Int) -> [Float] { withLogits(row: row) { Array($0) } ?? [] }

    /// cos/sin of `position·θ_i` per row, in double precision then rounded.
    private func prepareRotations(_ a: Activations) {
        let half = hyper.headDimension / 2
        for (row, position) in layout.positions.enumerated() {
            for i in 0..<half {
                let angle = Double(position) * inverseFrequencies[i]
                a.cosines[row * half + i] = Float(cos(angle))
                a.sines[row * half + i] = Float(sin(angle))
            }
        }
    }

    private func embed(_ batch: [BatchSequence], _ a: Activations) {
        let d = hyper.embeddingLength
        var row = 0
        for sequence in batch {
            for token in sequence.tokens {
                model.tokenEmbedding.dequantize(rows: Int(token)..<Int(token) + 1, into: a.residual + row * d)
                row += 1
            }
        }
    }

    /// RMSNorm of `rowCount` rows of `source` with norm vector `norm` into `destination`.
    func normalize(
        _ source: UnsafeMutablePointer<Float>, rows: [Int]? = nil, rowCount: Int, norm: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let d = hyper.embeddingLength, weight = norms + norm * d, epsilon = hyper.rmsEpsilon
        let rowsPerTask = 32, tasks = (rowCount + rowsPerTask - 1) / rowsPerTask
        let work = NormWork(source: source, destination: destination, weight: weight)
        pool.run(taskCount: tasks) { task, _ in
            for index in task * rowsPerTask..<min(rowCount, (task + 1) * rowsPerTask) {
                let sourceRow = rows.map { $0[index] } ?? index
                Elementwise.rmsNorm(work.source + sourceRow * d, work.weight, work.destination + index * d, count: d, epsilon: epsilon)
            }
        }
    }
}

/// Pointers of one normalization region. `@unchecked Sendable`: tasks write disjoint rows.
private struct NormWork: @unchecked Sendable {
    let source: UnsafeMutablePointer<Float>
    let destination: UnsafeMutablePointer<Float>
    let weight: UnsafeMutablePointer<Float>
}
