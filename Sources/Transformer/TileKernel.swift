/// The product kernel of the row-tile mode (a few to a hundred tokens, decode batches): a tile of
/// dequantized weight rows times the tokens' inputs, with the inputs transposed so that one
/// vector register holds one input feature of `V.scalarCount` tokens. Each step broadcasts one
/// weight and multiplies it into a register of tokens; accumulators hold (row, token-lane)
/// results, so there are no horizontal sums and no packing copies. Replaced `cblas_sgemm` on
/// dequantized tiles here: at 32 tokens OpenBLAS spent a quarter of the time repacking the tile.
enum TileKernel {
    /// `inputs` transposed into `destination`: `destination[c·paddedTokens + t] = inputs[t·columns + c]`,
    /// lanes `tokenCount..<paddedTokens` zero.
    static func transpose(
        _ inputs: UnsafePointer<Float>, tokenCount: Int, columns: Int, paddedTokens: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        for column in 0..<columns {
            let row = destination + column * paddedTokens
            for token in 0..<tokenCount { row[token] = inputs[token * columns + column] }
            for token in tokenCount..<paddedTokens { row[token] = 0 }
        }
    }

    /// Tokens per vector register.
    static let laneWidth = 16

    /// Below this many tokens the kernel wastes too many lanes (and issues one broadcast per
    /// multiply-add); `cblas_sgemm` on the dequantized tile is faster there (measured on Zen 4:
    /// 4 tokens 224 vs 137 tokens/s, 8 tokens about even, 16 tokens 263 vs 313, 32 tokens 304 vs 372).
    static let minimumTokens = 9

    /// Tokens padded to whole registers.
    static func paddedTokens(_ tokenCount: Int) -> Int { (tokenCount + laneWidth - 1) / laneWidth * laneWidth }

    /// `output[t·outputStride + firstRow + r] (+)= Σ_c tile[r·columns + c] · transposed[c·paddedTokens + t]`
    /// for `r < rowCount`, `t < tokenCount`.
    static func multiply(
        tile: UnsafePointer<Float>, rowCount: Int, columns: Int, transposed: UnsafePointer<Float>, tokenCount: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, firstRow: Int, accumulate: Bool
    ) {
        let shape = Shape(
            rowCount: rowCount, columns: columns, paddedTokens: paddedTokens(tokenCount), tokenCount: tokenCount,
            outputStride: outputStride, firstRow: firstRow, accumulate: accumulate)
        multiply(SIMD16<Float>.self, tile, transposed, output, shape)
    }

    struct Shape {
        let rowCount: Int, columns: Int, paddedTokens: Int, tokenCount: Int
        let outputStride: Int, firstRow: Int, accumulate: Bool
    }

    /// Rows in groups of eight, tokens two registers at a time (16 accumulators), then the tails.
    @inline(never)
    private static func multiply<V: SIMD>(
        _: V.Type, _ tile: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        _ shape: Shape
    ) where V.Scalar == Float {
        let width = V.scalarCount
        var lane = 0
        while lane < shape.paddedTokens {
            let pair = lane + 2 * width <= shape.paddedTokens
            var row = 0
            while row + 8 <= shape.rowCount {
                if pair {
                    eightRowsTwoRegisters(V.self, tile + row * shape.columns, x + lane, row: row, lane: lane, output, shape)
                } else {
                    eightRowsOneRegister(V.self, tile + row * shape.columns, x + lane, row: row, lane: lane, output, shape)
                }
                row += 8
            }
            while row < shape.rowCount {
                oneRow(V.self, tile + row * shape.columns, x + lane, row: row, lane: lane, output, shape)
                if pair { oneRow(V.self, tile + row * shape.columns, x + lane + width, row: row, lane: lane + width, output, shape) }
                row += 1
            }
            lane += pair ? 2 * width : width
        }
    }

    @inline(__always)
    private static func load<V: SIMD>(_: V.Type, _ pointer: UnsafePointer<Float>) -> V where V.Scalar == Float {
        UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
    }

    @inline(__always)
    private static func eightRowsTwoRegisters<V: SIMD>(
        _: V.Type, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, row: Int, lane: Int,
        _ output: UnsafeMutablePointer<Float>, _ shape: Shape
    ) where V.Scalar == Float {
        let c = shape.columns, stride = shape.paddedTokens, width = V.scalarCount
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        var b0 = V(), b1 = V(), b2 = V(), b3 = V(), b4 = V(), b5 = V(), b6 = V(), b7 = V()
        let w1 = w + c, w2 = w1 + c, w3 = w2 + c, w4 = w3 + c, w5 = w4 + c, w6 = w5 + c, w7 = w6 + c
        var xp = x
        for k in 0..<c {
            let x0 = load(V.self, xp), x1 = load(V.self, xp + width)
            xp += stride
            var s = V(repeating: w[k])
            a0.addProduct(s, x0); b0.addProduct(s, x1)
            s = V(repeating: w1[k]); a1.addProduct(s, x0); b1.addProduct(s, x1)
            s = V(repeating: w2[k]); a2.addProduct(s, x0); b2.addProduct(s, x1)
            s = V(repeating: w3[k]); a3.addProduct(s, x0); b3.addProduct(s, x1)
            s = V(repeating: w4[k]); a4.addProduct(s, x0); b4.addProduct(s, x1)
            s = V(repeating: w5[k]); a5.addProduct(s, x0); b5.addProduct(s, x1)
            s = V(repeating: w6[k]); a6.addProduct(s, x0); b6.addProduct(s, x1)
            s = V(repeating: w7[k]); a7.addProduct(s, x0); b7.addProduct(s, x1)
        }
        store(a0, row: row, lane: lane, output, shape); store(b0, row: row, lane: lane + width, output, shape)
        store(a1, row: row + 1, lane: lane, output, shape); store(b1, row: row + 1, lane: lane + width, output, shape)
        store(a2, row: row + 2, lane: lane, output, shape); store(b2, row: row + 2, lane: lane + width, output, shape)
        store(a3, row: row + 3, lane: lane, output, shape); store(b3, row: row + 3, lane: lane + width, output, shape)
        store(a4, row: row + 4, lane: lane, output, shape); store(b4, row: row + 4, lane: lane + width, output, shape)
        store(a5, row: row + 5, lane: lane, output, shape); store(b5, row: row + 5, lane: lane + width, output, shape)
        store(a6, row: row + 6, lane: lane, output, shape); store(b6, row: row + 6, lane: lane + width, output, shape)
        store(a7, row: row + 7, lane: lane, output, shape); store(b7, row: row + 7, lane: lane + width, output, shape)
    }

    @inline(__always)
    private static func eightRowsOneRegister<V: SIMD>(
        _: V.Type, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, row: Int, lane: Int,
        _ output: UnsafeMutablePointer<Float>, _ shape: Shape
    ) where V.Scalar == Float {
        let c = shape.columns, stride = shape.paddedTokens
        let w1 = w + c, w2 = w1 + c, w3 = w2 + c, w4 = w3 + c, w5 = w4 + c, w6 = w5 + c, w7 = w6 + c
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        var xp = x
        for k in 0..<c {
            let x0 = load(V.self, xp)
            xp += stride
            a0.addProduct(V(repeating: w[k]), x0)
            a1.addProduct(V(repeating: w1[k]), x0)
            a2.addProduct(V(repeating: w2[k]), x0)
            a3.addProduct(V(repeating: w3[k]), x0)
            a4.addProduct(V(repeating: w4[k]), x0)
            a5.addProduct(V(repeating: w5[k]), x0)
            a6.addProduct(V(repeating: w6[k]), x0)
            a7.addProduct(V(repeating: w7[k]), x0)
        }
        store(a0, row: row, lane: lane, output, shape)
        store(a1, row: row + 1, lane: lane, output, shape)
        store(a2, row: row + 2, lane: lane, output, shape)
        store(a3, row: row + 3, lane: lane, output, shape)
        store(a4, row: row + 4, lane: lane, output, shape)
        store(a5, row: row + 5, lane: lane, output, shape)
        store(a6, row: row + 6, lane: lane, output, shape)
        store(a7, row: row + 7, lane: lane, output, shape)
    }

    @inline(__always)
    private static func oneRow<V: SIMD>(
        _: V.Type, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, row: Int, lane: Int,
        _ output: UnsafeMutablePointer<Float>, _ shape: Shape
    ) where V.Scalar == Float {
        var acc0 = V(), acc1 = V()
        var k = 0
        while k + 1 < shape.columns {
            acc0.addProduct(V(repeating: w[k]), load(V.self, x + k * shape.paddedTokens))
            acc1.addProduct(V(repeating: w[k + 1]), load(V.self, x + (k + 1) * shape.paddedTokens))
            k += 2
        }
        if k < shape.columns { acc0.addProduct(V(repeating: w[k]), load(V.self, x + k * shape.paddedTokens)) }
        store(acc0 + acc1, row: row, lane: lane, output, shape)
    }

    /// Lanes of `value` (tokens `lane...`) into column `firstRow + row` of the output.
    @inline(__always)
    private static func store<V: SIMD>(
        _ value: V, row: Int, lane: Int, _ output: UnsafeMutablePointer<Float>, _ shape: Shape
    ) where V.Scalar == Float {
        let column = shape.firstRow + row
        for index in 0..<max(0, min(V.scalarCount, shape.tokenCount - lane)) {
            let target = output + (lane + index) * shape.outputStride + column
            target.pointee = (shape.accumulate ? target.pointee : 0) + value[index]
        }
    }
}
