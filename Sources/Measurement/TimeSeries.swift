/// A quantity over time (KV utilisation, token budget), in seconds from the start of the run.
public struct TimeSeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var time: Double
        public var value: Double
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    public var name: String
    public var unit: String
    public var points: [Point]
    /// The run this series belongs to (e.g. "augserve @ 2.0/s").
    public var label: String

    public init(name: String, unit: String, points: [Point], label: String = "") {
        self.name = name
        self.unit = unit
        self.points = points
        self.label = label
    }

    /// At most `maxPoints` points, each the mean of a run of consecutive points.
    public func downsampled(to maxPoints: Int) -> TimeSeries {
        guard maxPoints > 0, points.count > maxPoints else { return self }
        let stride = (points.count + maxPoints - 1) / maxPoints
        var result: [Point] = []
        var index = 0
        while index < points.count {
            let slice = points[index..<min(index + stride, points.count)]
            let value = slice.reduce(0) { $0 + $1.value } / Double(slice.count)
            result.append(Point(time: slice.first?.time ?? 0, value: value))
            index += stride
        }
        var copy = self
        copy.points = result
        return copy
    }

    public var json: JSONValue {
        .object([
            ("name", .string(name)), ("unit", .string(unit)), ("label", .string(label)),
            ("points", .array(points.map { .array([.number($0.time), .number($0.value)]) })),
        ])
    }
}
