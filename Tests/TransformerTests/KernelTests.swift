import Foundation
import ModelFiles
import Testing
@testable import Transformer

/// The SIMD building blocks against straightforward scalar versions.
@Suite struct KernelTests {
    @Test func vectorExpIsAccurate() {
        var worst: Double = 0
        for i in 0..<4000 {
            let x = SIMD16<Float>((0..<16).map { Float(i * 16 + $0) * 0.0027 - 87 })
            let e = Elementwise.exp(x)
            for lane in 0..<16 {
                let exact = Foundation.exp(Double(x[lane]))
                worst = max(worst, abs(Double(e[lane]) - exact) / exact)
            }
        }
        #expect(worst < 3e-7)
        let extremes = Elementwise.exp(SIMD16<Float>(repeating: 1000))
        #expect(extremes[0].isFinite && extremes[0] > 1e38)
        #expect(Elementwise.exp(SIMD16<Float>(repeating: -1000))[0] < 1e-37)
    }

    /// The row-tile kernel against a double-precision product: row counts with and without a
    /// tail of single rows, token counts filling two registers, one register and a partial one,
    /// overwriting and accumulating into a strided output.
    @Test("tile kernel equals a plain product", arguments: [(8, 32), (13, 9), (21, 17), (3, 40), (16, 48)])
    func tileKernel(rows: Int, tokens: Int) {
        let columns = 96, stride = rows + 5, first = 2
        let weights: [Float] = (0..<rows * columns).map { sin(Float($0) * 0.37) }
        let inputs: [Float] = (0..<tokens * columns).map { cos(Float($0) * 0.11) }
        let padded = TileKernel.paddedTokens(tokens)
        #expect(padded % TileKernel.laneWidth == 0 && padded >= tokens && padded - tokens < TileKernel.laneWidth)
        var transposed = [Float](repeating: .nan, count: columns * padded)
        transposed.withUnsafeMutableBufferPointer {
            TileKernel.transpose(inputs, tokenCount: tokens, columns: columns, paddedTokens: padded, into: $0.baseAddress!)
        }
        #expect(transposed[columns * padded - 1] == (padded > tokens ? 0 : inputs[tokens * columns - 1]))
        for accumulate in [false, true] {
            var output = [Float](repeating: 0.5, count: tokens * stride)
            output.withUnsafeMutableBufferPointer { out in
                TileKernel.multiply(
                    tile: weights, rowCount: rows, columns: columns, transposed: transposed, tokenCount: tokens,
                    output: out.baseAddress!, outputStride: stride, firstRow: first, accumulate: accumulate)
            }
            var worst: Double = 0
            for t in 0..<tokens {
                for column in 0..<stride {
                    let r = column - first
                    var expected = 0.5
                    if r >= 0, r < rows {
                        let dot = (0..<columns).reduce(0.0) { $0 + Double(weights[r * columns + $1]) * Double(inputs[t * columns + $1]) }
                        expected = (accumulate ? 0.5 : 0) + dot
                    }
                    worst = max(worst, abs(Double(output[t * stride + column]) - expected))
                }
            }
            #expect(worst < 1e-4, "accumulate \(accumulate)")
        }
    }

    @Test func softmaxRmsNormAndSwiGLU() {
        var values: [Float] = (0..<37).map { sin(Float($0)) * 5 }
        let total = values.map { Foundation.exp(Double($0)) }.reduce(0, +)
        let expected = values.map { Float(Foundation.exp(Double($0)) / total) }
        values.withUnsafeMutableBufferPointer { Elementwise.softmax($0.baseAddress!, count: 37) }
        #expect(TestSupport.maxDifference(values, expected) < 1e-6)

        let x: [Float] = (0..<64).map { Float($0) - 20 }, weight: [Float] = (0..<64).map { 1 + Float($0) / 100 }
        var out = [Float](repeating: 0, count: 64)
        let rms = (x.map { Double($0 * $0) }.reduce(0, +) / 64 + 1e-5).squareRoot()
        out.withUnsafeMutableBufferPointer { Elementwise.rmsNorm(x, weight, $0.baseAddress!, count: 64, epsilon: 1e-5) }
        #expect(TestSupport.maxDifference(out, zip(x, weight).map { Float(Double($0) / rms * Double($1)) }) < 1e-6)

        var gate: [Float] = (0..<32).map { Float($0) - 16 }
        let up: [Float] = (0..<32).map { Float($0) / 8 }
        let silu = zip(gate, up).map { g, u in Float(Double(g) / (1 + Foundation.exp(-Double(g))) * Double(u)) }
        gate.withUnsafeMutableBufferPointer { Elementwise.swiGLU($0.baseAddress!, up, count: 32) }
        #expect(TestSupport.maxDifference(gate, silu) < 1e-5)
    }

    /// Packs a random matrix of each type (rows not a multiple of four) and checks the
    /// matrix-vector kernel, the accumulate form and dequantization against ModelFiles.
    @Test(arguments: [GGMLType.q4_1, .q8_0, .f16, .f32])
    func matrixKernels(_ type: GGMLType) throws {
        let rows = 11, columns = 96
        var random = SplitMix(seed: 9)
        let values = (0..<rows * columns).map { _ in random.nextSigned() }
        let encoded = try GGMLQuantization.quantize(values, to: type)
        let exact = try encoded.withUnsafeBytes { try GGMLQuantization.dequantize($0, type: type, count: rows * columns) }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: WeightMatrix.packedByteCount(rows: rows, columns: columns, type: type), alignment: 64)
        defer { storage.deallocate() }
        let matrix = encoded.withUnsafeBytes {
            WeightMatrix(name: "w", rows: rows, columns: columns, type: type, source: $0.baseAddress!, destination: storage)
        }
        let input = (0..<columns).map { _ in random.nextSigned() }
        var sums = [Float](repeating: 0, count: columns / 32)
        sums.withUnsafeMutableBufferPointer { WeightMatrix.blockSums(input, columns: columns, tokenCount: 1, into: $0.baseAddress!) }
        let expected = (0..<rows).map { r in Float((0..<columns).reduce(0.0) { $0 + Double(exact[r * columns + $1]) * Double(input[$1]) }) }
        var output = [Float](repeating: 1, count: rows)
        output.withUnsafeMutableBufferPointer {
            matrix.multiplyVector(rows: 3..<rows, input: input, blockSums: sums, output: $0.baseAddress!, accumulate: false)
            matrix.multiplyVector(rows: 0..<3, input: input, blockSums: sums, output: $0.baseAddress!, accumulate: true)
        }
        #expect(TestSupport.maxDifference(Array(output[3...]), Array(expected[3...])) < 1e-4)
        #expect(TestSupport.maxDifference(Array(output[..<3]), expected[..<3].map { $0 + 1 }) < 1e-4)
        var dense = [Float](repeating: 0, count: 4 * columns)
        dense.withUnsafeMutableBufferPointer { matrix.dequantize(rows: 7..<11, into: $0.baseAddress!) }
        #expect(dense == Array(exact[7 * columns..<11 * columns]))
    }
}
