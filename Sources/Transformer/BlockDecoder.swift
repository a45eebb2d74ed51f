import ModelFiles

/// Turns one 32-value block of a weight row into two 16-lane vectors, exactly (the same values as
/// the reference dequantizer). The element loops are written so LLVM's SLP vectorizer emits packed
/// widening and conversion (Swift's generic SIMD integer conversions do not vectorize).
protocol BlockDecoder {
    static var bytesPerBlock: Int { get }
    static func decode(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>)
}

/// Q4_1: `f16 d, f16 m, u8 qs[16]`; element j is `d·(qs[j] & 15) + m`, element j+16 is `d·(qs[j] >> 4) + m`.
enum Q4_1Decoder: BlockDecoder {
    static let bytesPerBlock = 20

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = Float(block.loadUnaligned(as: Float16.self))
        let m = Float(block.loadUnaligned(fromByteOffset: 2, as: Float16.self))
        let q = block.assumingMemoryBound(to: UInt8.self) + 4
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 {
            let byte = q[j]
            low[j] = Float(byte & 15)
            high[j] = Float(byte >> 4)
        }
        let scale = SIMD16<Float>(repeating: d), offset = SIMD16<Float>(repeating: m)
        return (low * scale + offset, high * scale + offset)
    }
}

/// Q8_0: `f16 d, i8 q[32]`; element j is `d·q[j]`.
enum Q8_0Decoder: BlockDecoder {
    static let bytesPerBlock = 34

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: Float(block.loadUnaligned(as: Float16.self)))
        // Unsigned bytes with the sign bit flipped (q + 128), one loop per half: this shape
        // compiles to vpxor + vpmovzxbd + vcvtdq2ps; signed bytes or one loop over both halves
        // compiled to scalar code, 30–50× slower.
        let q = (block + 2).assumingMemoryBound(to: UInt8.self)
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 { low[j] = Float(q[j] ^ 0x80) }
        for j in 0..<16 { high[j] = Float(q[j + 16] ^ 0x80) }
        let bias = SIMD16<Float>(repeating: 128)
        return ((low - bias) * d, (high - bias) * d)
    }
}

/// F32: 32 floats.
enum F32Decoder: BlockDecoder {
    static let bytesPerBlock = 128

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        (block.loadUnaligned(as: SIMD16<Float>.self), block.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
}

/// F16: 32 halves.
enum F16Decoder: BlockDecoder {
    static let bytesPerBlock = 64

    @inline(__always)
    static func decode(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let h = block.assumingMemoryBound(to: Float16.self)
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 { low[j] = Float(h[j]) }
        for j in 0..<16 { high[j] = Float(h[j + 16]) }
        return (low, high)
    }
}
