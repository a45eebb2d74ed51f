import ModelFiles

/// A weight matrix read in place from the model file's memory map: `rows` output rows of
/// `columns` inputs each (GGUF `ne0` = columns), stored row by row in blocks of 32 values. The
/// weights stay quantized; the kernels decode blocks exactly in registers.
///
/// `@unchecked Sendable`: an immutable view (base pointer, shape, type) into the read-only
/// memory map owned by `LlamaModel`, which outlives every matrix it hands out; nothing writes
/// through it, so sharing it across threads is safe.
public struct WeightMatrix: @unchecked Sendable {
    /// The tensor's name in the model file.
    public let name: String
    /// Output features.
    public let rows: Int
    /// Input features (a multiple of 32).
    public let columns: Int
    /// Storage type (Q4_1, Q8_0, F16 or F32).
    public let type: GGMLType
    let base: UnsafeRawPointer
    let rowBytes: Int

    /// The storage types the kernels read.
    public static let supportedTypes: [GGMLType] = [.q4_1, .q8_0, .f16, .f32]

    init(name: String, rows: Int, columns: Int, type: GGMLType, base: UnsafeRawPointer) throws(TransformerError) {
        guard Self.supportedTypes.contains(type) else { throw .unsupportedTensorType(tensor: name, type: "\(type)") }
        guard columns > 0, columns % 32 == 0, rows > 0 else {
            throw .tensorShape(tensor: name, expected: [(columns + 31) / 32 * 32, max(rows, 1)], found: [columns, rows])
        }
        self.name = name
        self.rows = rows
        self.columns = columns
        self.type = type
        self.base = base
        rowBytes = columns / 32 * type.bytesPerBlock
    }

    /// Bytes one full pass over the matrix streams from memory.
    public var byteCount: Int { rows * rowBytes }

    /// `output[r] = Σ_c W[r, c]·input[c]` (or `output[r] += ...` when `accumulate`) for `r` in
    /// `range`. `blockSums[b]` must hold `Σ input[32b ..< 32b+32]` (the Q4_1 kernel factors its
    /// offsets out with it).
    func multiplyVector(
        rows range: Range<Int>, input: UnsafePointer<Float>, blockSums: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        switch type {
        case .q4_1: multiplyVector(Q4_1Format.self, range, input, blockSums, output, accumulate)
        case .q8_0: multiplyVector(Q8_0Format.self, range, input, blockSums, output, accumulate)
        case .f16: multiplyVector(F16Format.self, range, input, blockSums, output, accumulate)
        default: multiplyVector(F32Format.self, range, input, blockSums, output, accumulate)
        }
    }

    /// `sums[t·(columns/32) + b] = Σ input[t·columns + 32b ..< +32]` for `tokenCount` rows.
    static func blockSums(_ input: UnsafePointer<Float>, columns: Int, tokenCount: Int, into sums: UnsafeMutablePointer<Float>) {
        for block in 0..<(tokenCount * columns / 32) {
            let x = UnsafeRawPointer(input + block * 32)
            sums[block] = (x.loadUnaligned(as: SIMD16<Float>.self) + x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)).sum()
        }
    }

    /// Writes rows `range` dequantized, row-major, `columns` floats each.
    func dequantize(rows range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        switch type {
        case .q4_1: dequantize(Q4_1Format.self, range, destination)
        case .q8_0: dequantize(Q8_0Format.self, range, destination)
        case .f16: dequantize(F16Format.self, range, destination)
        default: dequantize(F32Format.self, range, destination)
        }
    }

    /// Four rows at a time: they share the input loads and give the core four independent
    /// accumulation chains (one row alone is bound by the FMA latency of its accumulator).
    @inline(__always)
    private func multiplyVector<F: BlockFormat>(
        _: F.Type, _ range: Range<Int>, _ input: UnsafePointer<Float>, _ sums: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, _ accumulate: Bool
    ) {
        let blocks = columns / 32, stride = rowBytes
        var row = range.lowerBound
        while row + 4 <= range.upperBound {
            let first = base + row * stride
            var v0 = SIMD16<Float>(), v1 = v0, v2 = v0, v3 = v0
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            for b in 0..<blocks {
                let x = UnsafeRawPointer(input + b * 32)
                let low = x.loadUnaligned(as: SIMD16<Float>.self)
                let high = x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                let sum = sums[b], block = first + b * F.bytesPerBlock
                F.accumulate(block, low, high, blockSum: sum, vector: &v0, scalar: &s0)
                F.accumulate(block + stride, low, high, blockSum: sum, vector: &v1, scalar: &s1)
                F.accumulate(block + 2 * stride, low, high, blockSum: sum, vector: &v2, scalar: &s2)
                F.accumulate(block + 3 * stride, low, high, blockSum: sum, vector: &v3, scalar: &s3)
            }
            if accumulate {
                output[row] += v0.sum() + s0
                output[row + 1] += v1.sum() + s1
                output[row + 2] += v2.sum() + s2
                output[row + 3] += v3.sum() + s3
            } else {
                output[row] = v0.sum() + s0
                output[row + 1] = v1.sum() + s1
                output[row + 2] = v2.sum() + s2
                output[row + 3] = v3.sum() + s3
            }
            row += 4
        }
        while row < range.upperBound {
            let first = base + row * stride
            var vector = SIMD16<Float>(), scalar: Float = 0
            for b in 0..<blocks {
                let x = UnsafeRawPointer(input + b * 32)
                F.accumulate(
                    first + b * F.bytesPerBlock, x.loadUnaligned(as: SIMD16<Float>.self),
                    x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), blockSum: sums[b],
                    vector: &vector, scalar: &scalar)
            }
            output[row] = (accumulate ? output[row] : 0) + (vector.sum() + scalar)
            row += 1
        }
    }

    @inline(__always)
    private func dequantize<F: BlockFormat>(_: F.Type, _ range: Range<Int>, _ destination: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        var out = UnsafeMutableRawPointer(destination)
        var block = base + range.lowerBound * rowBytes
        for _ in 0..<(range.count * blocks) {
            let (low, high) = F.dequantize(block)
            out.storeBytes(of: low, as: SIMD16<Float>.self)
            out.storeBytes(of: high, toByteOffset: 64, as: SIMD16<Float>.self)
            out += 128
            block += F.bytesPerBlock
        }
    }
}
