import Foundation

/// Deterministic, platform-independent RNG: xoshiro256** seeded through splitmix64.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded and its algorithm is not specified, so
/// every draw of a run (arrival gaps, request picks, synthetic sizes) goes through this generator:
/// the same seed gives the same sequence on every platform and Swift version.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose 256-bit state is four splitmix64 outputs of `seed` (never all zero).
    public init(seed: UInt64) {
        var mixer = seed
        func splitmix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The next 64 uniformly distributed bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = Self.rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = Self.rotate(state.3, 45)
        return result
    }

    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Exponentially distributed with the given mean (inverse transform; 0 for a mean ≤ 0 or NaN).
    public mutating func nextExponential(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        return -mean * log(1 - nextUnitDouble())
    }

    /// Standard normal (Box–Muller; one value per call, the pair's second value is dropped).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUnitDouble(), .leastNormalMagnitude)
        let u2 = nextUnitDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Gamma(shape, scale), mean `shape · scale`, by Marsaglia and Tsang's squeeze method (2000).
    /// Shapes below 1 draw Gamma(shape + 1) and multiply by `U^(1/shape)`, as they suggest.
    /// Returns 0 when `shape` or `scale` is not a positive finite number.
    public mutating func nextGamma(shape: Double, scale: Double) -> Double {
        guard shape > 0, shape.isFinite, scale > 0, scale.isFinite else { return 0 }
        if shape < 1 {
            let boost = pow(max(nextUnitDouble(), .leastNormalMagnitude), 1 / shape)
            return nextGamma(shape: shape + 1, scale: scale) * boost
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextUnitDouble()
            // The cheap squeeze accepts ~98% of draws; the log test is exact.
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// Uniform integer in `0..<upperBound`, or 0 when `upperBound <= 0`.
    ///
    /// Reduces 64 bits modulo the bound: the bias is below `upperBound / 2⁶⁴` (under 10⁻¹³ for any
    /// workload size), far below anything a run can observe, and it keeps the draws of existing
    /// seeds unchanged.
    public mutating func nextInt(below upperBound: Int) -> Int {
        guard upperBound > 0 else { return 0 }
        return Int(next() % UInt64(upperBound))
    }
}
