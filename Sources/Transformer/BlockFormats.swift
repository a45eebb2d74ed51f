import ModelFiles

/// How one 32-value block of a weight row is decoded. Every format dequantizes exactly (the
/// values of the reference dequantizer); the element loops are written so LLVM's vectorizer emits
/// packed widening and conversion — Swift's generic SIMD integer conversions (`SIMD16<Int32>(
/// truncatingIfNeeded:)`) compile to per-lane code and measured 2× slower.
protocol BlockFormat {
    static var bytesPerBlock: Int { get }
    /// The block's 32 weights as two 16-lane vectors.
    static func dequantize(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>)
    /// Adds the block's dot product with `x = (low, high)` to the accumulators: the vector part
    /// goes into `vector`, a per-block constant times `Σx` (`blockSum`) into `scalar`.
    static func accumulate(
        _ block: UnsafeRawPointer, _ low: SIMD16<Float>, _ high: SIMD16<Float>, blockSum: Float,
        vector: inout SIMD16<Float>, scalar: inout Float)
}

extension BlockFormat {
    /// Formats without a per-block offset (F16, F32): the dequantized block times `x`.
    @inline(__always)
    static func accumulate(
        _ block: UnsafeRawPointer, _ low: SIMD16<Float>, _ high: SIMD16<Float>, blockSum: Float,
        vector: inout SIMD16<Float>, scalar: inout Float
    ) {
        let (wl, wh) = dequantize(block)
        vector.addProduct(wl, low)
        vector.addProduct(wh, high)
    }
}

/// Q4_1: `f16 d, f16 m, u8 qs[16]`; element j is `d·(qs[j] & 15) + m`, element j+16 is
/// `d·(qs[j] >> 4) + m`. The dot product is factored as `d·Σ q·x + m·Σx`, so the offset costs
/// one scalar multiply-add per block instead of two vector ones.
enum Q4_1Format: BlockFormat {
    static let bytesPerBlock = 20

    @inline(__always)
    static func nibbles(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let q = (block + 4).assumingMemoryBound(to: UInt8.self)
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 {
            let byte = q[j]
            low[j] = Float(byte & 15)
            high[j] = Float(byte >> 4)
        }
        return (low, high)
    }

    @inline(__always)
    static func dequantize(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: Float(block.loadUnaligned(as: Float16.self)))
        let m = SIMD16<Float>(repeating: Float(block.loadUnaligned(fromByteOffset: 2, as: Float16.self)))
        let (low, high) = nibbles(block)
        return (low * d + m, high * d + m)
    }

    @inline(__always)
    static func accumulate(
        _ block: UnsafeRawPointer, _ low: SIMD16<Float>, _ high: SIMD16<Float>, blockSum: Float,
        vector: inout SIMD16<Float>, scalar: inout Float
    ) {
        let d = Float(block.loadUnaligned(as: Float16.self))
        let m = Float(block.loadUnaligned(fromByteOffset: 2, as: Float16.self))
        let (ql, qh) = nibbles(block)
        var products = ql * low
        products.addProduct(qh, high)
        vector.addProduct(SIMD16(repeating: d), products)
        scalar.addProduct(m, blockSum)
    }
}

/// Q8_0: `f16 d, i8 q[32]`; element j is `d·q[j]`.
enum Q8_0Format: BlockFormat {
    static let bytesPerBlock = 34

    /// The signed bytes as floats. The bytes are read unsigned with the sign bit flipped (q + 128),
    /// one loop per half: this shape compiles to packed widening and conversion; signed bytes or
    /// one loop over both halves compiled to scalar code.
    @inline(__always)
    static func values(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let q = (block + 2).assumingMemoryBound(to: UInt8.self)
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 { low[j] = Float(q[j] ^ 0x80) }
        for j in 0..<16 { high[j] = Float(q[j + 16] ^ 0x80) }
        let bias = SIMD16<Float>(repeating: 128)
        return (low - bias, high - bias)
    }

    @inline(__always)
    static func dequantize(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let d = SIMD16<Float>(repeating: Float(block.loadUnaligned(as: Float16.self)))
        let (low, high) = values(block)
        return (low * d, high * d)
    }

    @inline(__always)
    static func accumulate(
        _ block: UnsafeRawPointer, _ low: SIMD16<Float>, _ high: SIMD16<Float>, blockSum: Float,
        vector: inout SIMD16<Float>, scalar: inout Float
    ) {
        let d = Float(block.loadUnaligned(as: Float16.self))
        let (ql, qh) = values(block)
        var products = ql * low
        products.addProduct(qh, high)
        vector.addProduct(SIMD16(repeating: d), products)
    }
}

/// F16: 32 halves.
enum F16Format: BlockFormat {
    static let bytesPerBlock = 64

    @inline(__always)
    static func dequantize(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        let h = block.assumingMemoryBound(to: Float16.self)
        var low = SIMD16<Float>(), high = SIMD16<Float>()
        for j in 0..<16 { low[j] = Float(h[j]) }
        for j in 0..<16 { high[j] = Float(h[j + 16]) }
        return (low, high)
    }
}

/// F32: 32 floats.
enum F32Format: BlockFormat {
    static let bytesPerBlock = 128

    @inline(__always)
    static func dequantize(_ block: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
        (block.loadUnaligned(as: SIMD16<Float>.self), block.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
}
