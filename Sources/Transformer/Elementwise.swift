import Foundation

/// Row-wise operations of the forward pass on contiguous f32 rows, 16 lanes at a time.
enum Elementwise {
    /// `out = x / sqrt(mean(x²) + ε) · weight`. The sum of squares stays in f32 lanes: SmolLM2's
    /// residual reaches |x| ≈ 2.2e4, whose square overflows f16 but is far inside f32's range.
    /// `count` must be a multiple of 16 (embedding lengths are multiples of 32).
    static func rmsNorm(
        _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        count: Int, epsilon: Float
    ) {
        var squares = SIMD16<Float>()
        for index in stride(from: 0, to: count, by: 16) {
            let v = load(x + index)
            squares.addProduct(v, v)
        }
        let scale = SIMD16<Float>(repeating: 1 / (squares.sum() / Float(count) + epsilon).squareRoot())
        for index in stride(from: 0, to: count, by: 16) {
            store(load(x + index) * scale * load(weight + index), out + index)
        }
    }

    /// Rotates adjacent pairs `(v[2i], v[2i+1])` of every head by `position·θ_i`, given
    /// `cos(position·θ_i)` and `sin(position·θ_i)` for i < headDimension/2. This is the
    /// convention of GGUF's permuted Q/K weights (ggml's "normal" RoPE, not rotate-half).
    static func rope(
        _ vector: UnsafeMutablePointer<Float>, headCount: Int, headDimension: Int,
        cosines: UnsafePointer<Float>, sines: UnsafePointer<Float>
    ) {
        for head in 0..<headCount {
            let p = vector + head * headDimension
            for i in 0..<headDimension / 2 {
                let a = p[2 * i], b = p[2 * i + 1], c = cosines[i], s = sines[i]
                p[2 * i] = a * c - b * s
                p[2 * i + 1] = a * s + b * c
            }
        }
    }

    /// `gate ← silu(gate)·up = gate/(1 + e^(−gate))·up`, `count` a multiple of 16.
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        let one = SIMD16<Float>(repeating: 1)
        for index in stride(from: 0, to: count, by: 16) {
            let g = load(gate + index)
            store(g / (one + exp(-g)) * load(up + index), gate + index)
        }
    }

    /// `values[0..<count] ← softmax(values[0..<count])`, with `e^(v − max)` in 16 lanes.
    static func softmax(_ values: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let whole = count / 16 * 16
        var lanes = SIMD16<Float>(repeating: -.infinity)
        for index in stride(from: 0, to: whole, by: 16) { lanes = pointwiseMax(lanes, load(values + index)) }
        var maximum = lanes.max()
        for index in whole..<count { maximum = max(maximum, values[index]) }
        let top = SIMD16<Float>(repeating: maximum)
        var sums = SIMD16<Float>()
        for index in stride(from: 0, to: whole, by: 16) {
            let e = exp(load(values + index) - top)
            store(e, values + index)
            sums += e
        }
        var total = sums.sum()
        for index in whole..<count {
            let e = Foundation.exp(values[index] - maximum)
            values[index] = e
            total += e
        }
        let inverse = 1 / total
        let scale = SIMD16<Float>(repeating: inverse)
        for index in stride(from: 0, to: whole, by: 16) { store(load(values + index) * scale, values + index) }
        for index in whole..<count { values[index] *= inverse }
    }

    /// `e^x` per lane, within ~2 ulp: Cody–Waite reduction `x = n·ln2 + r` with |r| ≤ ln2/2, a
    /// degree-7 Taylor polynomial for `e^r` (truncation < 6e-9 relative), and `2^n` built in the
    /// exponent bits. Inputs are clamped to [−87.3, 88.3], where `2^n` stays a normal float.
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // pointwiseMin/Max compile to vminps/vmaxps; `clamped` and `replacing(with:where:)`
        // compiled to per-lane branches, 10–30× slower.
        let clamped = pointwiseMax(pointwiseMin(x, SIMD16(repeating: 88.3)), SIMD16(repeating: -87.3))
        // Adding 1.5·2^23 rounds x·log2(e) to an integer held in the low mantissa bits.
        let magic = SIMD16<Float>(repeating: 12_582_912)
        let shifted = clamped * SIMD16(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = clamped.addingProduct(n, SIMD16(repeating: -0.693_359_375))
        r.addProduct(n, SIMD16(repeating: 2.121_944_4e-4))
        var p = SIMD16<Float>(repeating: 1 / 5040)
        p = p * r + SIMD16(repeating: 1 / 720)
        p = p * r + SIMD16(repeating: 1 / 120)
        p = p * r + SIMD16(repeating: 1 / 24)
        p = p * r + SIMD16(repeating: 1 / 6)
        p = p * r + SIMD16(repeating: 1 / 2)
        p = p * r + SIMD16(repeating: 1)
        p = p * r + SIMD16(repeating: 1)
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
    }
}
