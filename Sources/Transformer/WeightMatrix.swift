import ModelFiles

/// A weight matrix read in place from the model file: `rows` output rows of `columns` inputs each
/// (GGUF `ne0` = columns), stored row by row in blocks of 32 values.
///
/// `@unchecked Sendable`: it is an immutable view (base pointer, shape, type) into the read-only
/// memory map owned by `LlamaModel`, which outlives every matrix it hands out; nothing writes
/// through it, so sharing it across threads is safe.
public struct WeightMatrix: @unchecked Sendable {
    public let name: String
    public let rows: Int
    public let columns: Int
    public let type: GGMLType
    let base: UnsafeRawPointer
    let rowBytes: Int

    init(name: String, rows: Int, columns: Int, type: GGMLType, base: UnsafeRawPointer) throws(TransformerError) {
        guard columns % 32 == 0 else { throw .tensorShape(tensor: name, expected: [columns / 32 * 32, rows], found: [columns, rows]) }
        switch type {
        case .q4_1, .q8_0, .f32, .f16: break
        default: throw .unsupportedTensorType(tensor: name, type: "\(type)")
        }
        self.name = name
        self.rows = rows
        self.columns = columns
        self.type = type
        self.base = base
        rowBytes = columns / type.blockSize * type.bytesPerBlock
    }

    /// Bytes the matrix streams from memory per full pass.
    public var byteCount: Int { rows * rowBytes }

    /// `output[t·outputStride + r] = Σ_c W[r, c] · input[t·columns + c]` for the rows in `range`
    /// and `tokenCount` input vectors.
    func multiply(
        rows range: Range<Int>, input: UnsafePointer<Float>, tokenCount: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        switch type {
        case .q4_1: multiply(Q4_1Decoder.self, range, input, tokenCount, output, outputStride)
        case .q8_0: multiply(Q8_0Decoder.self, range, input, tokenCount, output, outputStride)
        case .f16: multiply(F16Decoder.self, range, input, tokenCount, output, outputStride)
        default: multiply(F32Decoder.self, range, input, tokenCount, output, outputStride)
        }
    }

    /// Writes rows `range` dequantized, row-major, `columns` floats each.
    func dequantize(rows range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        switch type {
        case .q4_1: dequantize(Q4_1Decoder.self, range, destination)
        case .q8_0: dequantize(Q8_0Decoder.self, range, destination)
        case .f16: dequantize(F16Decoder.self, range, destination)
        default: dequantize(F32Decoder.self, range, destination)
        }
    }

    @inline(__always)
    private func multiply<D: BlockDecoder>(
        _: D.Type, _ range: Range<Int>, _ input: UnsafePointer<Float>, _ tokenCount: Int,
        _ output: UnsafeMutablePointer<Float>, _ outputStride: Int
    ) {
        let blocks = columns / 32
        if tokenCount == 1 {
            for row in range {
                let rowBase = base + row * rowBytes
                var acc = SIMD16<Float>()
                for block in 0..<blocks {
                    let (w0, w1) = D.decode(rowBase + block * D.bytesPerBlock)
                    let x = UnsafeRawPointer(input + block * 32)
                    acc.addProduct(w0, x.loadUnaligned(as: SIMD16<Float>.self))
                    acc.addProduct(w1, x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                }
                output[row] = acc.sum()
            }
            return
        }
        let accumulators = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: tokenCount)
        defer { accumulators.deallocate() }
        for row in range {
            let rowBase = base + row * rowBytes
            accumulators.initialize(repeating: SIMD16<Float>(), count: tokenCount)
            for block in 0..<blocks {
                let (w0, w1) = D.decode(rowBase + block * D.bytesPerBlock)
                var x = UnsafeRawPointer(input + block * 32)
                for token in 0..<tokenCount {
                    var acc = accumulators[token]
                    acc.addProduct(w0, x.loadUnaligned(as: SIMD16<Float>.self))
                    acc.addProduct(w1, x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                    accumulators[token] = acc
                    x += columns * 4
                }
            }
            for token in 0..<tokenCount { output[token * outputStride + row] = accumulators[token].sum() }
        }
    }

    @inline(__always)
    private func dequantize<D: BlockDecoder>(_: D.Type, _ range: Range<Int>, _ destination: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        var out = UnsafeMutableRawPointer(destination)
        for row in range {
            let rowBase = base + row * rowBytes
            for block in 0..<blocks {
                let (w0, w1) = D.decode(rowBase + block * D.bytesPerBlock)
                out.storeBytes(of: w0, as: SIMD16<Float>.self)
                out.storeBytes(of: w1, toByteOffset: 64, as: SIMD16<Float>.self)
                out += 128
            }
        }
    }
}
