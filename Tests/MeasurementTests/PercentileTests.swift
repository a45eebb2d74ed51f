@testable import Measurement
import Testing

@Suite struct PercentileTests {
    /// Hand-computed with h = p/100 · (n − 1) and linear interpolation between x[⌊h⌋] and x[⌊h⌋+1].
    @Test(arguments: [
        ([1.0, 2, 3, 4, 5], 50.0, 3.0),  // h = 2
        ([1.0, 2, 3, 4, 5], 95.0, 4.8),  // h = 3.8 → 4 + 0.8
        ([1.0, 2, 3, 4, 5], 25.0, 2.0),  // h = 1
        ([1.0, 2, 3, 4], 50.0, 2.5),  // h = 1.5 → mean of the middle two
        ([10.0, 20, 30, 40], 90.0, 37.0),  // h = 2.7 → 30 + 0.7 · 10
        ([0.0, 100], 99.0, 99.0),  // h = 0.99
        ([7.0], 50.0, 7.0),
        ([2.0, 4], 0.0, 2.0),
        ([2.0, 4], 100.0, 4.0),
        ([2.0, 4], 150.0, 4.0),  // clamped
        ([2.0, 4], -3.0, 2.0),  // clamped
        ([2.0, 4], .nan, 2.0),  // read as 0
        ([], 50.0, 0.0),  // empty: 0, never NaN
    ])
    func interpolatesBetweenClosestRanks(sorted: [Double], p: Double, expected: Double) {
        #expect(abs(Percentile.of(p, sorted: sorted) - expected) < 1e-12)
    }

    @Test func statisticsSortDropNonFiniteAndSummarise() {
        let stats = SampleStatistics([4, 1, .nan, 3, 2, .infinity, 5])
        #expect(stats.sortedValues == [1, 2, 3, 4, 5])
        #expect(stats.count == 5 && stats.mean == 3 && stats.minimum == 1 && stats.maximum == 5)
        #expect(stats.percentile(95) == 4.8)
        let empty = SampleStatistics([Double]())
        #expect(empty.count == 0 && empty.mean == 0 && empty.maximum == 0 && empty.percentile(99) == 0)
    }
}
