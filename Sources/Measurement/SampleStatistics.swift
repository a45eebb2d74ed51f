/// Summary statistics of one sample (in whatever unit its values have; reports use seconds).
///
/// Non-finite values are dropped on the way in. An empty sample has count 0 and reports 0 for
/// every statistic, never NaN. Percentiles follow `Percentile` (linear interpolation).
public struct SampleStatistics: Sendable, Equatable, Codable {
    /// The finite values, ascending.
    public let sortedValues: [Double]

    /// Statistics of the finite elements of `values`.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        sortedValues = values.filter(\.isFinite).sorted()
    }

    /// Number of (finite) values.
    public var count: Int { sortedValues.count }
    /// Arithmetic mean, summed in ascending order so the result does not depend on input order.
    public var mean: Double { count == 0 ? 0 : sortedValues.reduce(0, +) / Double(count) }
    /// The smallest value (0 when empty).
    public var minimum: Double { sortedValues.first ?? 0 }
    /// The largest value (0 when empty).
    public var maximum: Double { sortedValues.last ?? 0 }

    /// The `p`-th percentile, `p` in 0...100.
    public func percentile(_ p: Double) -> Double { Percentile.of(p, sorted: sortedValues) }

    private enum CodingKeys: String, CodingKey { case values }

    /// Reads `{"values": […]}` (re-sorted and filtered, so the invariants hold).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode([Double].self, forKey: .values))
    }

    /// Writes `{"values": […]}`, ascending.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sortedValues, forKey: .values)
    }
}
