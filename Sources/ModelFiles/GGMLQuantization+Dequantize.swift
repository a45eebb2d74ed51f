extension GGMLQuantization {
    /// Decodes `count` values of `type` from `bytes` (which must hold exactly the bytes of
    /// `count` values, a whole number of blocks).
    public static func dequantize(_ bytes: UnsafeRawBufferPointer, type: GGMLType, count: Int) throws(GGUFError) -> [Float] {
        var output = [Float](repeating: 0, count: max(count, 0))
        try output.withUnsafeMutableBufferPointer { (destination) throws(GGUFError) in
            try dequantize(bytes, type: type, into: destination)
        }
        return output
    }

    /// Decodes `destination.count` values of `type` from `bytes` into `destination`.
    public static func dequantize(
        _ bytes: UnsafeRawBufferPointer, type: GGMLType, into destination: UnsafeMutableBufferPointer<Float>
    ) throws(GGUFError) {
        guard let expected = type.byteCount(forElements: destination.count), expected == bytes.count else {
            throw .invalidArgument(
                "cannot dequantize \(destination.count) values of \(type) from \(bytes.count) bytes")
        }
        let blockCount = destination.count / type.blockSize
        switch type {
        case .f32: for i in 0 ..< blockCount { destination[i] = Float(bitPattern: load(UInt32.self, bytes, 4 * i)) }
        case .f16: for i in 0 ..< blockCount { destination[i] = float(fromHalfBits: load(UInt16.self, bytes, 2 * i)) }
        case .bf16: for i in 0 ..< blockCount { destination[i] = float(fromBFloat16Bits: load(UInt16.self, bytes, 2 * i)) }
        case .q8_0: for i in 0 ..< blockCount { dequantizeQ8_0(bytes, block: i, into: destination) }
        case .q4_0: for i in 0 ..< blockCount { dequantizeQ4_0(bytes, block: i, into: destination) }
        case .q4_1: for i in 0 ..< blockCount { dequantizeQ4_1(bytes, block: i, into: destination) }
        default: throw .unsupportedType(type, operation: "dequantization")
        }
    }

    /// Block layout: f16 `d`, int8 `q[32]`; `x[j] = d * q[j]`.
    private static func dequantizeQ8_0(
        _ bytes: UnsafeRawBufferPointer, block: Int, into destination: UnsafeMutableBufferPointer<Float>
    ) {
        let base = block * 34
        let scale = float(fromHalfBits: load(UInt16.self, bytes, base))
        for j in 0 ..< 32 {
            destination[block * 32 + j] = Float(Int8(bitPattern: bytes[base + 2 + j])) * scale
        }
    }

    /// Block layout: f16 `d`, `u8 qs[16]`; `x[j] = d * ((qs[j] & 15) - 8)`, `x[j+16]` from the high nibble.
    private static func dequantizeQ4_0(
        _ bytes: UnsafeRawBufferPointer, block: Int, into destination: UnsafeMutableBufferPointer<Float>
    ) {
        let base = block * 18
        let scale = float(fromHalfBits: load(UInt16.self, bytes, base))
        for j in 0 ..< 16 {
            let packed = bytes[base + 2 + j]
            destination[block * 32 + j] = Float(Int(packed & 15) - 8) * scale
            destination[block * 32 + j + 16] = Float(Int(packed >> 4) - 8) * scale
        }
    }

    /// Block layout: f16 `d`, f16 `m`, `u8 qs[16]`; `x[j] = d * (qs[j] & 15) + m`, `x[j+16]` from the high nibble.
    private static func dequantizeQ4_1(
        _ bytes: UnsafeRawBufferPointer, block: Int, into destination: UnsafeMutableBufferPointer<Float>
    ) {
        let base = block * 20
        let scale = float(fromHalfBits: load(UInt16.self, bytes, base))
        let minimum = float(fromHalfBits: load(UInt16.self, bytes, base + 2))
        for j in 0 ..< 16 {
            let packed = bytes[base + 4 + j]
            destination[block * 32 + j] = Float(packed & 15) * scale + minimum
            destination[block * 32 + j + 16] = Float(packed >> 4) * scale + minimum
        }
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
