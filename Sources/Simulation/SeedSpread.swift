import Measurement

/// One figure over several seeds: its median and its range (lowest to highest).
public struct SeedSpread: Sendable, Equatable {
    public let median: Double
    public let low: Double
    public let high: Double
    /// Seeds the figure was defined for.
    public let count: Int

    /// The spread of the finite `values`; nil if there are none.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        low = first
        high = last
        count = sorted.count
    }

    private init(median: Double, low: Double, high: Double, count: Int) {
        self.median = median
        self.low = low
        self.high = high
        self.count = count
    }

    /// Every figure multiplied by a positive `factor` (a fraction as a percentage).
    public func scaled(by factor: Double) -> SeedSpread {
        SeedSpread(median: median * factor, low: low * factor, high: high * factor, count: count)
    }

    /// `1.5 (1.35–1.6)`, or just `1.5` when every seed agrees; `suffix` follows each number.
    public func text(decimals: Int = 2, suffix: String = "") -> String {
        let median = Format.number(self.median, decimals: decimals) + suffix
        let low = Format.number(self.low, decimals: decimals), high = Format.number(self.high, decimals: decimals)
        return low == high ? median : "\(median) (\(low)–\(high)\(suffix))"
    }
}

extension Optional where Wrapped == SeedSpread {
    /// The spread's text, or `–` where the figure is undefined for every seed.
    func text(decimals: Int = 2, suffix: String = "") -> String { self?.text(decimals: decimals, suffix: suffix) ?? "–" }
}
