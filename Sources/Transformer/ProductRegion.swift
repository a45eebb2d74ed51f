import COpenBLAS

/// One matrix product of a region: `output[t·outputStride + r] (+)= Σ_c W[r, c]·input[t·columns + c]`.
///
/// `@unchecked Sendable`: a bundle of pointers for one region's workers, each of which writes
/// the output elements of the (rows, tokens) pieces it claimed.
struct Product: @unchecked Sendable {
    let weights: WeightMatrix
    let input: UnsafeMutablePointer<Float>
    let blockSums: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let outputStride: Int
    let accumulate: Bool
}

/// How a region splits its products, chosen from the number of input rows (tokens).
enum ProductMode {
    /// Few tokens: quantized matrix-vector kernels per token over chunks of output rows; the
    /// bytes of weights streamed bound the speed.
    case vector
    /// Tens of tokens: each chunk of output rows is dequantized, eight rows at a time, into a
    /// worker's tile and multiplied by `TileKernel` (sgemm below `TileKernel.minimumTokens`).
    case rowTiles
    /// Hundreds of tokens (prefill): the matrices are dequantized once into a shared buffer,
    /// then each task multiplies a tile of tokens by whole matrices with sgemm, so OpenBLAS
    /// packs every operand about once instead of once per row chunk.
    case tokenTiles
}

/// A region's epilogue: called once the outputs of `tokens × rows` of product `product` (or of
/// every product, `product == nil`, for lock-step regions) are final.
typealias ProductEpilogue = (_ product: Int?, _ tokens: Range<Int>, _ rows: Range<Int>) -> Void

extension ForwardPass {
    /// Rows of output features per task in the chunked modes: whole heads (RoPE works per head),
    /// fewer on the vector path, where a task is cheap and a finer split balances the cores.
    func chunkRows(_ mode: ProductMode) -> Int {
        let base = mode == .vector ? 64 : 128, hd = hyper.headDimension
        return (base + hd - 1) / hd * hd
    }

    func mode(tokenCount: Int, products: [Product]) -> ProductMode {
        if tokenCount <= vectorRowLimit { return .vector }
        let dense = products.reduce(0) { $0 + $1.weights.rows * $1.weights.columns }
        return tokenCount >= tokenTileRows && dense <= maxDenseWeights ? .tokenTiles : .rowTiles
    }

    /// Runs `products` over `tokenCount` input rows. `lockstep` products have the same output rows
    /// and the epilogue runs once per piece after all of them (SwiGLU needs gate and up).
    func runProducts(_ products: [Product], tokenCount: Int, lockstep: Bool = false, epilogue: ProductEpilogue? = nil) {
        let mode = mode(tokenCount: tokenCount, products: products)
        if mode == .tokenTiles {
            runTokenTiles(products, tokenCount: tokenCount, lockstep: lockstep, epilogue: epilogue)
            return
        }
        let chunk = chunkRows(mode), all = 0..<tokenCount
        let useTileKernel = mode == .rowTiles && tokenCount >= TileKernel.minimumTokens
        let transposed = useTileKernel ? transposeInputs(products, tokenCount: tokenCount) : nil
        if lockstep {
            let rows = products[0].weights.rows
            pool.run(taskCount: (rows + chunk - 1) / chunk) { task, worker in
                let range = task * chunk..<min(rows, (task + 1) * chunk)
                for (index, product) in products.enumerated() {
                    self.compute(product, rows: range, tokenCount: tokenCount, mode: mode, transposed: transposed?[index], worker: worker)
                }
                epilogue?(nil, all, range)
            }
            return
        }
        let counts = products.map { ($0.weights.rows + chunk - 1) / chunk }
        pool.run(taskCount: counts.reduce(0, +)) { task, worker in
            var index = 0, local = task
            while local >= counts[index] {
                local -= counts[index]
                index += 1
            }
            let range = local * chunk..<min(products[index].weights.rows, (local + 1) * chunk)
            self.compute(
                products[index], rows: range, tokenCount: tokenCount, mode: mode, transposed: transposed?[index], worker: worker)
            epilogue?(index, all, range)
        }
    }

    private func runTokenTiles(_ products: [Product], tokenCount: Int, lockstep: Bool, epilogue: ProductEpilogue?) {
        var offsets: [Int] = [], total = 0
        for product in products {
            offsets.append(total)
            total += product.weights.rows * product.weights.columns
        }
        let dense = SharedFloats(denseWeights.reserve(total))
        let chunk = chunkRows(.tokenTiles)
        let counts = products.map { ($0.weights.rows + chunk - 1) / chunk }
        pool.run(taskCount: counts.reduce(0, +)) { task, _ in
            var index = 0, local = task
            while local >= counts[index] {
                local -= counts[index]
                index += 1
            }
            let weights = products[index].weights
            let range = local * chunk..<min(weights.rows, (local + 1) * chunk)
            weights.dequantize(rows: range, into: dense.pointer + offsets[index] + range.lowerBound * weights.columns)
        }
        let tile = max(16, (tokenCount + 2 * pool.threadCount - 1) / (2 * pool.threadCount))
        pool.run(taskCount: (tokenCount + tile - 1) / tile) { task, _ in
            let tokens = task * tile..<min(tokenCount, (task + 1) * tile)
            for (index, product) in products.enumerated() {
                Self.sgemm(product, tokens: tokens, rows: 0..<product.weights.rows, weights: dense.pointer + offsets[index])
                if !lockstep { epilogue?(index, tokens, 0..<product.weights.rows) }
            }
            if lockstep { epilogue?(nil, tokens, 0..<products[0].weights.rows) }
        }
    }

    /// Rows `rows` of `product` for all `tokenCount` input rows, in a chunked mode. In the
    /// row-tile mode, `TileKernel` reads the inputs `transposed` by `transposeInputs`; without
    /// them (fewer than `TileKernel.minimumTokens` tokens) the tile goes through sgemm.
    func compute(
        _ product: Product, rows: Range<Int>, tokenCount: Int, mode: ProductMode, transposed: SharedFloats?, worker: Int
    ) {
        let weights = product.weights, columns = weights.columns
        if mode == .vector {
            for token in 0..<tokenCount {
                weights.multiplyVector(
                    rows: rows, input: product.input + token * columns, blockSums: product.blockSums + token * columns / 32,
                    output: product.output + token * product.outputStride, accumulate: product.accumulate)
            }
            return
        }
        guard let transposed else {
            let tile = workers[worker].tile.reserve(rows.count * columns)
            weights.dequantize(rows: rows, into: tile)
            Self.sgemm(product, tokens: 0..<tokenCount, rows: rows, weights: tile)
            return
        }
        // Eight rows at a time: dequantized, they stay in the core's first-level cache while
        // every token register passes over them.
        let tile = workers[worker].tile.reserve(Self.tileGroupRows * columns)
        for first in stride(from: rows.lowerBound, to: rows.upperBound, by: Self.tileGroupRows) {
            let group = first..<min(rows.upperBound, first + Self.tileGroupRows)
            weights.dequantize(rows: group, into: tile)
            TileKernel.multiply(
                tile: tile, rowCount: group.count, columns: columns, transposed: transposed.pointer, tokenCount: tokenCount,
                output: product.output, outputStride: product.outputStride, firstRow: first, accumulate: product.accumulate)
        }
    }

    /// Weight rows dequantized per step of the row-tile kernel.
    static let tileGroupRows = 8

    /// Each product's input transposed for `TileKernel` (products sharing an input share one copy).
    private func transposeInputs(_ products: [Product], tokenCount: Int) -> [SharedFloats] {
        let padded = TileKernel.paddedTokens(tokenCount)
        let total = products.reduce(0) { $0 + $1.weights.columns * padded }
        let buffer = transposedInputs.reserve(total)
        var result: [SharedFloats] = [], offset = 0
        for (index, product) in products.enumerated() {
            if index > 0, products[index - 1].input == product.input, products[index - 1].weights.columns == product.weights.columns {
                result.append(result[index - 1])
                continue
            }
            TileKernel.transpose(
                product.input, tokenCount: tokenCount, columns: product.weights.columns, paddedTokens: padded, into: buffer + offset)
            result.append(SharedFloats(buffer + offset))
            offset += product.weights.columns * padded
        }
        return result
    }

    /// `output[tokens, rows] (+)= input[tokens] · weights[rows]ᵀ` with dequantized `weights`
    /// holding exactly rows `rows`.
    static func sgemm(_ product: Product, tokens: Range<Int>, rows: Range<Int>, weights: UnsafePointer<Float>) {
        let columns = product.weights.columns
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tokens.count), Int32(rows.count), Int32(columns), 1,
            product.input + tokens.lowerBound * columns, Int32(columns), weights, Int32(columns),
            product.accumulate ? 1 : 0, product.output + tokens.lowerBound * product.outputStride + rows.lowerBound,
            Int32(product.outputStride))
    }
}

/// A float buffer shared by the workers of one region.
///
/// `@unchecked Sendable`: workers write disjoint ranges, and the region ends before anyone reads.
struct SharedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
