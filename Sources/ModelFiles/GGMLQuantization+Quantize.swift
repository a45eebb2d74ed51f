extension GGMLQuantization {
    /// Encodes `values` (row after row) as `type`. The count must be a whole number of blocks
    /// (32 for the quantized types) and every value finite for the block types.
    public static func quantize(_ values: [Float], to type: GGMLType) throws(GGUFError) -> [UInt8] {
        guard values.count % type.blockSize == 0 else {
            throw .invalidArgument("cannot quantize \(values.count) values to \(type): not a multiple of \(type.blockSize)")
        }
        if type.blockSize > 1, let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidArgument("cannot quantize to \(type): value \(index) is \(values[index])")
        }
        var output: [UInt8] = []
        output.reserveCapacity(values.count / type.blockSize * type.bytesPerBlock)
        switch type {
        case .f32: for value in values { appendLittleEndian(value.bitPattern, to: &output) }
        case .f16: for value in values { appendLittleEndian(halfBits(value), to: &output) }
        case .bf16: for value in values { appendLittleEndian(bfloat16Bits(value), to: &output) }
        case .q8_0: forEachBlock(values) { appendQ8_0($0, to: &output) }
        case .q4_0: forEachBlock(values) { appendQ4_0($0, to: &output) }
        case .q4_1: forEachBlock(values) { appendQ4_1($0, to: &output) }
        default: throw .unsupportedType(type, operation: "quantization")
        }
        return output
    }

    private static func forEachBlock(_ values: [Float], _ body: (ArraySlice<Float>) -> Void) {
        for start in stride(from: 0, to: values.count, by: 32) { body(values[start ..< start + 32]) }
    }

    /// `d = max|x| / 127`, `q = round(x / d)` (half away from zero, as C's `roundf`).
    private static func appendQ8_0(_ block: ArraySlice<Float>, to output: inout [UInt8]) {
        let absoluteMaximum = block.reduce(Float(0)) { max($0, abs($1)) }
        let scale = absoluteMaximum / 127
        let inverse = scale != 0 ? 1 / scale : 0
        appendLittleEndian(halfBits(scale), to: &output)
        for value in block {
            let quantized = Int8(clamping: Int((value * inverse).rounded(.toNearestOrAwayFromZero)))
            output.append(UInt8(bitPattern: quantized))
        }
    }

    /// `d = m / -8` with `m` the value of largest magnitude; nibble `q = min(15, trunc(x/d + 8.5))`.
    private static func appendQ4_0(_ block: ArraySlice<Float>, to output: inout [UInt8]) {
        var absoluteMaximum: Float = 0
        var signedMaximum: Float = 0
        for value in block where abs(value) > absoluteMaximum {
            absoluteMaximum = abs(value)
            signedMaximum = value
        }
        let scale = signedMaximum / -8
        let inverse = scale != 0 ? 1 / scale : 0
        appendLittleEndian(halfBits(scale), to: &output)
        appendNibbles(block, to: &output) { min(15, truncatedNibble($0 * inverse + 8.5)) }
    }

    /// `d = (max - min) / 15`, `m = min`; nibble `q = min(15, trunc((x - min)/d + 0.5))`.
    private static func appendQ4_1(_ block: ArraySlice<Float>, to output: inout [UInt8]) {
        let minimum = block.min() ?? 0
        let maximum = block.max() ?? 0
        let scale = (maximum - minimum) / 15
        let inverse = scale != 0 ? 1 / scale : 0
        appendLittleEndian(halfBits(scale), to: &output)
        appendLittleEndian(halfBits(minimum), to: &output)
        appendNibbles(block, to: &output) { min(15, truncatedNibble(($0 - minimum) * inverse + 0.5)) }
    }

    /// Packs element `j` into the low nibble and element `j + 16` into the high nibble of byte `j`.
    private static func appendNibbles(
        _ block: ArraySlice<Float>, to output: inout [UInt8], _ quantize: (Float) -> UInt8
    ) {
        let base = block.startIndex
        for j in 0 ..< 16 {
            output.append(quantize(block[base + j]) | quantize(block[base + j + 16]) << 4)
        }
    }

    /// C's `(int8_t)x` for the non-negative, finite inputs the 4-bit quantizers produce.
    private static func truncatedNibble(_ value: Float) -> UInt8 {
        UInt8(clamping: Int(max(0, min(value, 127))))
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }
}
