import Measurement

/// The highest arrival rate a policy sustains at ≥ 90% SLO attainment (at that rate and every
/// lower one), refined past the rate grid by bisection.
public struct SustainableRate: Sendable, Equatable {
    /// The highest rate found to meet the threshold; 0 if not even the lowest probe did.
    public var rate: Double
    /// Goodput of the run at `rate`: the policy's goodput at its knee (0 when `rate` is 0).
    public var goodputAtKnee: Double
    /// Even the highest grid rate met the threshold, so `rate` is only a lower bound.
    public var isLowerBound: Bool
    /// Runs probed beyond the grid.
    public var probeCount: Int

    public init(rate: Double, goodputAtKnee: Double, isLowerBound: Bool, probeCount: Int) {
        self.rate = rate
        self.goodputAtKnee = goodputAtKnee
        self.isLowerBound = isLowerBound
        self.probeCount = probeCount
    }
}

/// Bisection between the last grid rate that meets the threshold and the first that does not,
/// on a lattice of `resolution` req/s, until the two are one step apart.
public enum SustainableRateSearch {
    /// The search's resolution (req/s).
    public static let defaultResolution = 0.05

    /// `grid` holds one policy's runs (any order); `probe` runs that policy at another rate.
    public static func find(
        grid: [RunSummary], threshold: Double = SweepReport.sustainedAttainment, resolution: Double = defaultResolution,
        probe: (Double) throws -> RunSummary
    ) rethrows -> SustainableRate {
        let runs = grid.sorted { $0.labels.rate < $1.labels.rate }
        guard let top = runs.last else { return SustainableRate(rate: 0, goodputAtKnee: 0, isLowerBound: false, probeCount: 0) }
        guard let firstMiss = runs.firstIndex(where: { $0.attainment < threshold }) else {
            return SustainableRate(rate: top.labels.rate, goodputAtKnee: top.goodputPerSecond, isLowerBound: true, probeCount: 0)
        }
        var low: (rate: Double, goodput: Double) = firstMiss > 0 ? (runs[firstMiss - 1].labels.rate, runs[firstMiss - 1].goodputPerSecond) : (0, 0)
        var high = runs[firstMiss].labels.rate
        var probes = 0
        while let rate = midpoint(low.rate, high, resolution: resolution) {
            let run = try probe(rate)
            probes += 1
            if run.attainment >= threshold { low = (rate, run.goodputPerSecond) } else { high = rate }
        }
        return SustainableRate(rate: low.rate, goodputAtKnee: low.goodput, isLowerBound: false, probeCount: probes)
    }

    /// A lattice point strictly between `low` and `high`, as near their middle as the lattice
    /// allows; nil once they are at most one step apart.
    static func midpoint(_ low: Double, _ high: Double, resolution: Double) -> Double? {
        let steps = (1 / resolution).rounded()
        let lowStep = Int((low * steps).rounded(.down)), highStep = Int((high * steps).rounded(.up))
        let candidates = ((lowStep + 1)..<max(lowStep + 1, highStep)).map { Double($0) / steps }.filter { $0 > low + 1e-9 && $0 < high - 1e-9 }
        guard !candidates.isEmpty else { return nil }
        return candidates[candidates.count / 2 - (candidates.count % 2 == 0 ? 1 : 0)]
    }
}
