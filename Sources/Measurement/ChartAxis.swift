import Foundation

/// One axis of a chart: its range, its round-numbered ticks, and the mapping of a value to a
/// position along the axis (0 at the first tick, 1 at the last).
struct ChartAxis: Sendable {
    /// Tick values, ascending; the first and last bound the axis.
    let ticks: [Double]
    /// Whether positions follow log₁₀ of the value.
    let logarithmic: Bool
    /// Decimals that print every tick exactly.
    let labelDecimals: Int

    /// An axis covering `values` (finite ones; positive ones when logarithmic). A linear axis
    /// includes 0 when `includesZero` is set.
    init(covering values: [Double], logarithmic: Bool, includesZero: Bool = false) {
        self.logarithmic = logarithmic
        if logarithmic {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            ticks = Self.logarithmicTicks(low: positive.min() ?? 1, high: positive.max() ?? 10)
        } else {
            let finite = values.filter(\.isFinite)
            let low = finite.min() ?? 0, high = finite.max() ?? 1
            ticks = Self.linearTicks(low: includesZero ? min(0, low) : low, high: includesZero ? max(0, high) : high)
        }
        labelDecimals = ticks.map(Self.decimalsNeeded).max() ?? 0
    }

    /// The position of `value` along the axis, or nil if it cannot be drawn (≤ 0 on a log axis).
    func position(_ value: Double) -> Double? {
        guard value.isFinite, let first = ticks.first, let last = ticks.last else { return nil }
        if logarithmic {
            guard value > 0 else { return nil }
            let span = log10(last) - log10(first)
            return span > 0 ? (log10(value) - log10(first)) / span : 0.5
        }
        let span = last - first
        return span > 0 ? (value - first) / span : 0.5
    }

    /// A tick's label, locale-independent.
    func label(_ tick: Double) -> String { Format.number(tick, decimals: labelDecimals) }

    /// About five ticks at multiples of a step of 1, 2 or 5 × 10ⁿ, from at or below `low` to at
    /// or above `high`. An empty range (`low == high`) is widened to show the value.
    static func linearTicks(low: Double, high: Double) -> [Double] {
        let span = high > low ? high - low : max(abs(high), 1)
        let raw = span / 5
        let magnitude = pow(10, log10(raw).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-12) } ?? magnitude * 10
        let start = (low / step).rounded(.down) * step
        let top = high > low ? high : low + span
        let count = min(Int(((top - start) / step * (1 - 1e-12)).rounded(.up)), 50)
        return (0...max(count, 1)).map { Self.cleaned(start + Double($0) * step, step: step) }
    }

    /// Powers of ten from at or below `low` to at or above `high`; with 2 and 5 times each power
    /// in between when the range spans at most two decades, and only every k-th power when it
    /// spans more than eight.
    static func logarithmicTicks(low: Double, high: Double) -> [Double] {
        let lowExponent = Int(log10(low).rounded(.down))
        var highExponent = Int(log10(high).rounded(.up))
        if highExponent <= lowExponent { highExponent = lowExponent + 1 }
        let decades = highExponent - lowExponent
        let every = max(1, (decades + 7) / 8)
        var ticks: [Double] = []
        for exponent in Swift.stride(from: lowExponent, through: highExponent, by: every) {
            let power = pow(10, Double(exponent))
            ticks.append(power)
            if decades <= 2 && exponent < highExponent { ticks += [2 * power, 5 * power] }
        }
        if let last = ticks.last, last < pow(10, Double(highExponent)) { ticks.append(pow(10, Double(highExponent))) }
        return ticks
    }

    /// `value` with the floating-point noise of repeated steps removed (e.g. 0.30000000000000004 → 0.3).
    private static func cleaned(_ value: Double, step: Double) -> Double {
        let scale = pow(10, Double(decimalsNeeded(step)))
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result
    }

    /// Decimals needed to print a round tick exactly (0 for integers, at most 12).
    private static func decimalsNeeded(_ value: Double) -> Int {
        guard value.isFinite, value != 0 else { return 0 }
        for decimals in 0...12 {
            let scale = pow(10, Double(decimals))
            if abs((value * scale).rounded() - value * scale) < 1e-6 { return decimals }
        }
        return 12
    }
}
