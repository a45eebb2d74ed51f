import Foundation

/// Row-wise operations of the forward pass on contiguous f32 rows.
enum Elementwise {
    /// `out = x / sqrt(mean(x²) + ε) · weight` (sums in f32 lanes; SmolLM2's massive activations
    /// are fine in f32, never in f16).
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, epsilon: Float) {
        var squares = SIMD16<Float>()
        var index = 0
        while index + 16 <= count {
            let v = UnsafeRawPointer(x + index).loadUnaligned(as: SIMD16<Float>.self)
            squares.addProduct(v, v)
            index += 16
        }
        var total = squares.sum()
        while index < count {
            total += x[index] * x[index]
            index += 1
        }
        let scale = 1 / (total / Float(count) + epsilon).squareRoot()
        for i in 0..<count { out[i] = x[i] * scale * weight[i] }
    }

    /// Rotates adjacent pairs `(v[2i], v[2i+1])` of each head by `position · θ_i`, the convention
    /// of GGUF's permuted Q/K weights (ggml's "normal" RoPE, not rotate-half).
    static func rope(_ vector: UnsafeMutablePointer<Float>, headCount: Int, headDimension: Int, position: Int, inverseFrequencies: UnsafePointer<Float>) {
        let half = headDimension / 2
        for i in 0..<half {
            let angle = Float(position) * inverseFrequencies[i]
            let c = cos(angle), s = sin(angle)
            for head in 0..<headCount {
                let p = vector + head * headDimension + 2 * i
                let a = p[0], b = p[1]
                p[0] = a * c - b * s
                p[1] = a * s + b * c
            }
        }
    }

    /// `gate ← silu(gate) · up`.
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + exp(-g)) * up[i]
        }
    }

    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// `θ_i = base^(−2i/d)` for i < d/2.
    static func inverseFrequencies(headDimension: Int, base: Float) -> [Float] {
        (0..<headDimension / 2).map { i in Float(pow(Double(base), -2 * Double(i) / Double(headDimension))) }
    }
}
