import Measurement

/// Requests of one class (the workload type: math, qa, ve, chatbot, image, tts) in one run, and
/// how many met the SLO.
public struct ClassTally: Sendable, Equatable {
    public var requestClass: String
    public var arrived: Int
    public var good: Int

    public init(requestClass: String, arrived: Int, good: Int) {
        self.requestClass = requestClass
        self.arrived = arrived
        self.good = good
    }

    /// Good ÷ arrived (0 when none arrived).
    public var attainment: Double { arrived > 0 ? Double(good) / Double(arrived) : 0 }

    /// One tally per class present in `records`, in order of first appearance.
    public static func tallies(_ records: [RequestRecord], slo: SLOConfig) -> [ClassTally] {
        var order: [String] = []
        var counts: [String: (arrived: Int, good: Int)] = [:]
        for record in records {
            if counts[record.type] == nil { order.append(record.type) }
            var count = counts[record.type] ?? (0, 0)
            count.arrived += 1
            if slo.isMet(by: record) { count.good += 1 }
            counts[record.type] = count
        }
        return order.map { ClassTally(requestClass: $0, arrived: counts[$0]?.arrived ?? 0, good: counts[$0]?.good ?? 0) }
    }
}
