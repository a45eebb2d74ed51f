/// Summary statistics over samples. Percentiles interpolate linearly between closest ranks (the
/// convention of NumPy's default and `vllm bench serve`); an empty sample gives 0, never NaN,
/// because NaN cannot be written to JSON.
public struct SampleStatistics: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    public let maximum: Double
    private let sorted: [Double]

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.filter(\.isFinite).sorted()
        count = sorted.count
        mean = count == 0 ? 0 : sorted.reduce(0, +) / Double(count)
        maximum = sorted.last ?? 0
    }

    /// The `p`-th percentile, `p` in 0...100.
    public func percentile(_ p: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let rank = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = rank - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
