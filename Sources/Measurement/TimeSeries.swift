/// A quantity over a run (KV utilisation, token budget), sampled at times in seconds from the
/// start of the run.
public struct TimeSeries: Sendable, Equatable, Codable {
    /// One sample.
    public struct Point: Sendable, Equatable {
        /// Seconds from the start of the run.
        public var time: Double
        /// The quantity, in the series' `unit`.
        public var value: Double
        /// A sample of `value` at `time` seconds.
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// What is measured (`kv_utilization`, `token_budget`).
    public var name: String
    /// The unit of the values (`fraction`, `tokens`).
    public var unit: String
    /// The samples, in time order.
    public var points: [Point]
    /// The run this series belongs to (e.g. "augserve @ 2/s").
    public var label: String

    /// A series of `points`.
    public init(name: String, unit: String, points: [Point], label: String = "") {
        self.name = name
        self.unit = unit
        self.points = points
        self.label = label
    }

    /// At most `maxPointCount` points (unchanged if it already has no more, or if
    /// `maxPointCount <= 0`): consecutive points are grouped in equal runs and each run becomes
    /// one point at its first time with the mean of its values.
    public func downsampled(to maxPointCount: Int) -> TimeSeries {
        guard maxPointCount > 0, points.count > maxPointCount else { return self }
        let stride = (points.count + maxPointCount - 1) / maxPointCount
        var result: [Point] = []
        result.reserveCapacity(maxPointCount)
        var index = 0
        while index < points.count {
            let group = points[index..<min(index + stride, points.count)]
            let value = group.reduce(0) { $0 + $1.value } / Double(group.count)
            result.append(Point(time: group.first?.time ?? 0, value: value))
            index += stride
        }
        var copy = self
        copy.points = result
        return copy
    }

    private enum CodingKeys: String, CodingKey { case name, unit, label, points }

    /// Encoded as `{"name", "unit", "label", "points": [[time, value], …]}`; a non-finite number
    /// is written as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(unit, forKey: .unit)
        try container.encode(label, forKey: .label)
        try container.encode(points.map { [$0.time, $0.value].map { $0.isFinite ? $0 : nil } }, forKey: .points)
    }

    /// Reads the encoded form back; a null number becomes NaN.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let pairs = try container.decode([[Double?]].self, forKey: .points)
        points = try pairs.map { pair in
            guard pair.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .points, in: container, debugDescription: "a point is [time, value]")
            }
            return Point(time: pair[0] ?? .nan, value: pair[1] ?? .nan)
        }
        name = try container.decode(String.self, forKey: .name)
        unit = try container.decode(String.self, forKey: .unit)
        label = try container.decodeIfPresent(String.self, forKey: .label) ?? ""
    }
}
