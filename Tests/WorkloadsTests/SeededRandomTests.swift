import Testing
import Workloads

@Suite struct SeededRandomTests {
    /// Reference outputs of xoshiro256** seeded through splitmix64, computed by an independent
    /// implementation: the generator must give these on every platform.
    @Test(arguments: [
        (UInt64(0), [UInt64(0x99EC_5F36_CB75_F2B4), 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0]),
        (UInt64(42), [UInt64(0x1578_0B2E_0C2E_C716), 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1]),
    ])
    func matchesTheReferenceSequence(seed: UInt64, expected: [UInt64]) {
        var random = SeededRandom(seed: seed)
        #expect((0..<3).map { _ in random.next() } == expected)
    }

    @Test func sameSeedRepeatsAndSeedsDiffer() {
        var a = SeededRandom(seed: 7), b = SeededRandom(seed: 7), c = SeededRandom(seed: 8)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test func unitDoublesAreUniformInHalfOpenInterval() {
        var random = SeededRandom(seed: 1)
        let values = (0..<20_000).map { _ in random.nextUnitDouble() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(Self.mean(values) - 0.5) < 0.01)
        let lowerTenth = values.count { $0 < 0.1 }
        #expect(abs(Double(lowerTenth) / 20_000 - 0.1) < 0.01)
    }

    @Test func integersStayBelowTheBoundAndCoverIt() {
        var random = SeededRandom(seed: 3)
        let draws = (0..<5_000).map { _ in random.nextInt(below: 7) }
        #expect(draws.allSatisfy { (0..<7).contains($0) })
        #expect(Set(draws).count == 7)
        #expect(random.nextInt(below: 0) == 0 && random.nextInt(below: -5) == 0)
    }

    @Test(arguments: [0.5, 3.0])
    func exponentialHasItsMean(mean: Double) {
        var random = SeededRandom(seed: 11)
        let values = (0..<40_000).map { _ in random.nextExponential(mean: mean) }
        #expect(values.allSatisfy { $0 >= 0 })
        #expect(abs(Self.mean(values) / mean - 1) < 0.03)
    }

    /// Gamma(k, θ) has mean kθ and variance kθ²; shapes below 1 take the boosted path.
    @Test(arguments: [(0.0625, 2.0), (0.25, 1.0), (1.0, 0.5), (4.0, 0.25)])
    func gammaHasItsMeanAndVariance(shape: Double, scale: Double) {
        var random = SeededRandom(seed: 5)
        let values = (0..<80_000).map { _ in random.nextGamma(shape: shape, scale: scale) }
        let mean = Self.mean(values)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(values.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(abs(mean / (shape * scale) - 1) < 0.05)
        #expect(abs(variance / (shape * scale * scale) - 1) < 0.15)
    }

    @Test func invalidDistributionParametersGiveZero() {
        var random = SeededRandom(seed: 1)
        #expect(random.nextGamma(shape: 0, scale: 1) == 0)
        #expect(random.nextGamma(shape: -2, scale: 1) == 0)
        #expect(random.nextGamma(shape: .nan, scale: 1) == 0)
        #expect(random.nextGamma(shape: 2, scale: .infinity) == 0)
        #expect(random.nextExponential(mean: -1) == 0)
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
}
