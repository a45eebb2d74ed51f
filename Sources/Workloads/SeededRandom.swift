import Foundation

/// Deterministic, platform-independent RNG: xoshiro256** seeded through splitmix64. The same seed
/// gives the same sequence everywhere (Swift's default generator does not).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

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

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), 53 bits of precision.
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Exponentially distributed with the given mean.
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * log(1 - nextUnitDouble())
    }

    /// Standard normal (Box–Muller; one value per call, the pair's second value is dropped).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUnitDouble(), .leastNormalMagnitude)
        let u2 = nextUnitDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Gamma(shape, scale) by Marsaglia and Tsang; shapes below 1 use the `U^(1/shape)` boost.
    public mutating func nextGamma(shape: Double, scale: Double) -> Double {
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
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// Uniform integer in `0..<upperBound` (0 when `upperBound <= 0`).
    public mutating func nextInt(below upperBound: Int) -> Int {
        guard upperBound > 0 else { return 0 }
        return Int(next() % UInt64(upperBound))
    }
}
