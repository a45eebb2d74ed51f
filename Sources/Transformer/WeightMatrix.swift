import ModelFiles

/// A quantized weight matrix of `rows` output rows and `columns` inputs (GGUF `ne0` = columns),
/// repacked at load time in groups of four rows: for each 32-column block, the four rows' blocks
/// lie next to each other (`[group][block][row in group]`). The four-row kernel then reads one
/// sequential stream, which the hardware prefetcher follows; reading four rows of the file's
/// row-major layout side by side streamed 3× slower (5 vs 16 GB/s on one Zen 4 core).
/// Padding rows of the last group are zero.
///
/// `@unchecked Sendable`: an immutable view (base pointer, shape, type) into a `WeightArena`
/// owned by the `LlamaModel`, which outlives every matrix it hands out; nothing writes through
/// it after packing, so sharing it across threads is safe.
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

    /// Rows per interleaved group.
    static let groupRows = 4
    /// The storage types the kernels read.
    public static let supportedTypes: [GGMLType] = [.q4_1, .q8_0, .f16, .f32]

    /// Checks a tensor's shape and type before packing.
    static func validate(name: String, rows: Int, columns: Int, type: GGMLType) throws(TransformerError) {
        guard supportedTypes.contains(type) else { throw .unsupportedTensorType(tensor: name, type: "\(type)") }
        guard columns > 0, columns % 32 == 0, rows > 0 else {
            throw .tensorShape(tensor: name, expected: [(columns + 31) / 32 * 32, max(rows, 1)], found: [columns, rows])
        }
    }

    /// Bytes the packed matrix occupies (rows padded to a whole group).
    static func packedByteCount(rows: Int, columns: Int, type: GGMLType) -> Int {
        (rows + groupRows - 1) / groupRows * groupRows * (columns / 32 * blockBytes(type))
    }

    /// Bytes of one 32-value block (GGML counts F16 and F32 in blocks of one value).
    static func blockBytes(_ type: GGMLType) -> Int {
        switch type {
        case .q4_1: Q4_1Format.bytesPerBlock
        case .q8_0: Q8_0Format.bytesPerBlock
        case .f16: F16Format.bytesPerBlock
        default: F32Format.bytesPerBlock
        }
    }

    /// Packs the row-major blocks at `source` into `destination` (`packedByteCount` bytes).
    init(
        name: String, rows: Int, columns: Int, type: GGMLType, source: UnsafeRawPointer,
        destination: UnsafeMutableRawPointer
    ) {
        let blockBytes = Self.blockBytes(type), blocks = columns / 32, rowBytes = blocks * blockBytes
        var target = destination
        for group in 0..<(rows + Self.groupRows - 1) / Self.groupRows {
            for block in 0..<blocks {
                for member in 0..<Self.groupRows {
                    let row = group * Self.groupRows + member
                    if row < rows {
                        target.copyMemory(from: source + row * rowBytes + block * blockBytes, byteCount: blockBytes)
                    } else {
                        target.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes)
                    }
                    target += blockBytes
                }
            }
        }
        self.name = name
        self.rows = rows
        self.columns = columns
        self.type = type
        self.base = UnsafeRawPointer(destination)
        self.rowBytes = rowBytes
    }

    /// Bytes one full pass over the matrix streams from memory.
    public var byteCount: Int { rows * rowBytes }

    /// Address of block `block` of row `row`.
    @inline(__always)
    func blockAddress(row: Int, block: Int) -> UnsafeRawPointer {
        let blockBytes = Self.blockBytes(type)
        return base + (row / Self.groupRows) * Self.groupRows * rowBytes + (block * Self.groupRows + row % Self.groupRows) * blockBytes
    }

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

    /// Writes rows `range` dequantized, row-major, `columns` floats each.
    func dequantize(rows range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        switch type {
        case .q4_1: dequantize(Q4_1Format.self, range, destination)
        case .q8_0: dequantize(Q8_0Format.self, range, destination)
        case .f16: dequantize(F16Format.self, range, destination)
        default: dequantize(F32Format.self, range, destination)
        }
    }

    /// `sums[t·(columns/32) + b] = Σ input[t·columns + 32b ..< +32]` for `tokenCount` rows.
    static func blockSums(_ input: UnsafePointer<Float>, columns: Int, tokenCount: Int, into sums: UnsafeMutablePointer<Float>) {
        for block in 0..<(tokenCount * columns / 32) {
            let x = UnsafeRawPointer(input + block * 32)
            sums[block] = (x.loadUnaligned(as: SIMD16<Float>.self) + x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)).sum()
        }
    }

    /// One group of four rows at a time: they share the input loads, give the core four
    /// independent accumulation chains, and read one sequential stream. Kept out of line:
    /// inlined into the format switch, the register allocator spilled the accumulators.
    @inline(never)
    private func multiplyVector<F: BlockFormat>(
        _: F.Type, _ range: Range<Int>, _ input: UnsafePointer<Float>, _ sums: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, _ accumulate: Bool
    ) {
        let blocks = columns / 32, step = F.bytesPerBlock
        var first = range.lowerBound / Self.groupRows * Self.groupRows
        while first < range.upperBound {
            var block = base + first * rowBytes
            var v0 = SIMD16<Float>(), v1 = v0, v2 = v0, v3 = v0
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            for b in 0..<blocks {
                let x = UnsafeRawPointer(input + b * 32)
                let low = x.loadUnaligned(as: SIMD16<Float>.self)
                let high = x.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                let sum = sums[b]
                F.accumulate(block, low, high, blockSum: sum, vector: &v0, scalar: &s0)
                F.accumulate(block + step, low, high, blockSum: sum, vector: &v1, scalar: &s1)
                F.accumulate(block + 2 * step, low, high, blockSum: sum, vector: &v2, scalar: &s2)
                F.accumulate(block + 3 * step, low, high, blockSum: sum, vector: &v3, scalar: &s3)
                block += 4 * step
            }
            let results = SIMD4<Float>(v0.sum() + s0, v1.sum() + s1, v2.sum() + s2, v3.sum() + s3)
            for member in 0..<Self.groupRows {
                let row = first + member
                guard row >= range.lowerBound, row < range.upperBound else { continue }
                output[row] = (accumulate ? output[row] : 0) + results[member]
            }
            first += Self.groupRows
        }
    }

    @inline(never)
    private func dequantize<F: BlockFormat>(_: F.Type, _ range: Range<Int>, _ destination: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        var out = UnsafeMutableRawPointer(destination)
        for row in range {
            for b in 0..<blocks {
                let (low, high) = F.dequantize(blockAddress(row: row, block: b))
                out.storeBytes(of: low, as: SIMD16<Float>.self)
                out.storeBytes(of: high, toByteOffset: 64, as: SIMD16<Float>.self)
                out += 128
            }
        }
    }
}
