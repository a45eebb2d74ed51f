import Foundation

/// Deterministic number formatting for reports: no locale, no exponent, fixed rounding.
public enum Format {
    /// Up to `decimals` decimals with trailing zeros trimmed; non-finite values print as 0.
    public static func number(_ value: Double, decimals: Int = 6) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Seconds with 3 decimals, for human-facing tables.
    public static func seconds(_ value: Double) -> String { number(value, decimals: 3) }
}
