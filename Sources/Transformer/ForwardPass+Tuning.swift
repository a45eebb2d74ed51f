/// Where the product modes change: rows up to `vectorRowLimit` use the quantized vector kernels,
/// rows from `tokenTileRows` token tiles, rows between them row tiles.
public struct KernelThresholds: Sendable, Equatable, CustomStringConvertible {
    public var vectorRowLimit: Int
    public var tokenTileRows: Int

    public init(vectorRowLimit: Int, tokenTileRows: Int) {
        self.vectorRowLimit = vectorRowLimit
        self.tokenTileRows = tokenTileRows
    }

    public var description: String { "vector kernels up to \(vectorRowLimit) rows, token tiles from \(tokenTileRows) rows" }
}

extension ForwardPass {
    /// The pass's current thresholds; setting them switches its product modes.
    public var kernelThresholds: KernelThresholds {
        get { KernelThresholds(vectorRowLimit: vectorRowLimit, tokenTileRows: tokenTileRows) }
        set {
            vectorRowLimit = max(0, newValue.vectorRowLimit)
            tokenTileRows = max(1, newValue.tokenTileRows)
        }
    }
}

/// What `ForwardPass.tuneKernels` measured on this machine and the thresholds it chose.
///
/// Why it exists: the quantized matrix-vector kernels cost a little per sequence (they re-read
/// weights already in cache), the row-tile path a lot per step (it dequantizes every weight once
/// per step) and little per sequence, so the crossover is where one per-sequence slope catches up
/// with the other's fixed cost — and both depend on the vector width of the CPU. Measured with
/// the default limit of 2, a Zen 4 (AVX-512) machine took 26.7 ms for 4 decodes against 7.7 ms
/// for 2, while an AVX2-only Zen 3 lost with a limit of 8. A constant tuned on one CPU is wrong on
/// the other, so the limit is measured where the engine runs.
public struct KernelTuning: Sendable, Equatable, CustomStringConvertible {
    /// One width's timings: the products of every layer and the LM head at `width` sequences of one
    /// row each (estimated from layer 0), on each path, in seconds.
    public struct Point: Sendable, Equatable {
        public var width: Int
        public var vector: Double
        public var rowTiles: Double

        public init(width: Int, vector: Double, rowTiles: Double) {
            self.width = width
            self.vector = vector
            self.rowTiles = rowTiles
        }
    }

    /// One prefill width's timings: every layer's products at `width` rows (estimated from layer
    /// 0) with row tiles and with token tiles, in seconds.
    public struct PrefillPoint: Sendable, Equatable {
        public var width: Int
        public var rowTiles: Double
        public var tokenTiles: Double

        public init(width: Int, rowTiles: Double, tokenTiles: Double) {
            self.width = width
            self.rowTiles = rowTiles
            self.tokenTiles = tokenTiles
        }
    }

    public var points: [Point]
    public var prefillPoints: [PrefillPoint]
    public var vectorRowLimit: Int { Self.limit(points) }
    /// nil when no prefill width was measured (the pass keeps its own).
    public var tokenTileRows: Int? { Self.tokenTileRows(prefillPoints) }

    public init(points: [Point], prefillPoints: [PrefillPoint] = []) {
        self.points = points
        self.prefillPoints = prefillPoints
    }

    /// The smallest measured width from which token tiles were at least as fast at every larger
    /// measured width (a suffix); one past the largest when they lost at the largest.
    public static func tokenTileRows(_ points: [PrefillPoint]) -> Int? {
        let sorted = points.sorted { $0.width < $1.width }
        guard let last = sorted.last else { return nil }
        var rows = last.width + 1
        for point in sorted.reversed() {
            guard point.tokenTiles <= point.rowTiles else { break }
            rows = point.width
        }
        return rows
    }

    /// The largest width up to which the vector path was at least as fast at every measured
    /// width (a prefix, so one noisy win past a loss does not move the limit); one below the
    /// first width when it already lost there, and never below 1.
    public static func limit(_ points: [Point]) -> Int {
        let sorted = points.sorted { $0.width < $1.width }
        guard let first = sorted.first else { return 1 }
        var limit = first.width - 1
        for point in sorted {
            guard point.vector <= point.rowTiles else { break }
            limit = point.width
        }
        return max(1, limit)
    }

    public var description: String {
        let shown = points.filter { [2, 4, 8].contains($0.width) || $0.width == vectorRowLimit || $0.width == vectorRowLimit + 1 }
        let detail = shown.map { point in
            "\(point.width): \(Self.milliseconds(point.vector)) vs \(Self.milliseconds(point.rowTiles)) ms"
        }
        let prefill = prefillPoints.map { point in
            "\(point.width): \(Self.milliseconds(point.rowTiles)) vs \(Self.milliseconds(point.tokenTiles)) ms"
        }
        return "quantized vector kernels up to \(vectorRowLimit) sequences per step (products per step, vector vs row tiles — "
            + detail.joined(separator: ", ") + ")"
            + (tokenTileRows.map { "; token tiles from \($0) rows (row vs token tiles — " + prefill.joined(separator: ", ") + ")" } ?? "")
    }

    private static func milliseconds(_ seconds: Double) -> String {
        let value = (seconds * 10_000).rounded() / 10
        return "\(value)"
    }
}

extension ForwardPass {
    /// Measures the weight products of a step at each decode width on the quantized-vector path
    /// and on the row-tile path, and at each prefill width on row tiles and on token tiles (layer
    /// 0, plus the LM head for decodes, scaled to the whole model; fastest of `repetitions` after
    /// a warm-up), and sets `vectorRowLimit` and `tokenTileRows` from them. Takes about a second
    /// in a release build; the KV cache is not touched.
    @discardableResult
    public func tuneKernels(decodeWidths: ClosedRange<Int> = 2...10, prefillWidths: [Int] = [128, 256, 512], repetitions: Int = 3) -> KernelTuning {
        let widest = max(1, decodeWidths.upperBound, prefillWidths.max() ?? 1)
        let a = buffers.prepare(rows: widest, logitRows: max(1, decodeWidths.upperBound), hyper: hyper)
        let d = hyper.embeddingLength, attentionWidth = hyper.headCount * hyper.headDimension, f = hyper.feedForwardLength
        Self.fillTuningInput(a.normed, count: widest * d, seed: 1)
        Self.fillTuningInput(a.finalNormed, count: max(1, decodeWidths.upperBound) * d, seed: 2)
        Self.fillTuningInput(a.attention, count: widest * attentionWidth, seed: 3)
        Self.fillTuningInput(a.gate, count: widest * f, seed: 4)
        let saved = (vectorRowLimit, tokenTileRows)
        var points: [KernelTuning.Point] = []
        tokenTileRows = Int.max
        for width in decodeWidths where width >= 1 {
            let vector = modelProductSeconds(width: width, vectorLimit: width, withHead: true, repetitions: repetitions, a)
            let rowTiles = modelProductSeconds(width: width, vectorLimit: width - 1, withHead: true, repetitions: repetitions, a)
            points.append(KernelTuning.Point(width: width, vector: vector, rowTiles: rowTiles))
        }
        var prefillPoints: [KernelTuning.PrefillPoint] = []
        for width in prefillWidths where width > decodeWidths.upperBound {
            tokenTileRows = Int.max
            let rowTiles = modelProductSeconds(width: width, vectorLimit: 0, withHead: false, repetitions: repetitions, a)
            tokenTileRows = 1
            let tokenTiles = modelProductSeconds(width: width, vectorLimit: 0, withHead: false, repetitions: repetitions, a)
            prefillPoints.append(KernelTuning.PrefillPoint(width: width, rowTiles: rowTiles, tokenTiles: tokenTiles))
        }
        let tuning = KernelTuning(points: points, prefillPoints: prefillPoints)
        vectorRowLimit = points.isEmpty ? saved.0 : tuning.vectorRowLimit
        tokenTileRows = tuning.tokenTileRows ?? saved.1
        return tuning
    }

    /// Seconds of one step's products at `width` rows with `vectorRowLimit = vectorLimit` (and
    /// the pass's `tokenTileRows`): layer 0's seven products times the layer count, plus the LM
    /// head at `width` rows when `withHead`, each the fastest repetition.
    private func modelProductSeconds(width: Int, vectorLimit: Int, withHead: Bool, repetitions: Int, _ a: Activations) -> Double {
        vectorRowLimit = vectorLimit
        let layer = model.layers[0], d = hyper.embeddingLength
        let attentionWidth = hyper.headCount * hyper.headDimension
        // Outputs go to scratch rows (the residual is overwritten, not accumulated into).
        let layerRuns: [(UnsafeMutablePointer<Float>, Int, [Product])] = [
            (a.normed, d, [product(layer.query, input: a.normed, output: a.query, a), product(layer.key, input: a.normed, output: a.key, a),
                           product(layer.value, input: a.normed, output: a.value, a)]),
            (a.attention, attentionWidth, [product(layer.output, input: a.attention, output: a.residual, a)]),
            (a.normed, d, [product(layer.gate, input: a.normed, output: a.up, a), product(layer.up, input: a.normed, output: a.up, a)]),
            (a.gate, hyper.feedForwardLength, [product(layer.down, input: a.gate, output: a.residual, a)]),
        ]
        let head = product(model.outputHead, input: a.finalNormed, output: a.logits, a)
        func fastest(_ body: () -> Void) -> Double {
            var best = Double.infinity
            for repetition in 0...max(1, repetitions) {
                let start = ContinuousClock.now
                body()
                let seconds = ModelBenchmark.seconds(ContinuousClock.now - start)
                if repetition > 0 { best = min(best, seconds) }
            }
            return best
        }
        let layerSeconds = fastest {
            for (input, columns, products) in layerRuns {
                prepareSums(input, columns: columns, rowCount: width, a)
                runProducts(products, tokenCount: width)
            }
        }
        guard withHead else { return layerSeconds * Double(hyper.layerCount) }
        let headSeconds = fastest {
            prepareSums(a.finalNormed, columns: d, rowCount: width, a)
            runProducts([head], tokenCount: width)
        }
        return layerSeconds * Double(hyper.layerCount) + headSeconds
    }

    /// Seeded values in [−1, 1), so that no product overflows or hits subnormals.
    private static func fillTuningInput(_ pointer: UnsafeMutablePointer<Float>, count: Int, seed: UInt64) {
        var random = SplitMix(seed: seed)
        for index in 0..<count { pointer[index] = random.nextSigned() }
    }
}
