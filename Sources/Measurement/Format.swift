import Foundation

/// Deterministic number formatting for reports: fixed decimals, '.' as the separator whatever the
/// locale, no exponent, no grouping.
public enum Format {
    /// `value` rounded to `decimals` places (0...15) with trailing zeros trimmed: `0.1 + 0.2` →
    /// `0.3`, `2.0` → `2`. Non-finite values print as 0 and negative zero as 0.
    public static func number(_ value: Double, decimals: Int = 6) -> String {
        guard value.isFinite else { return "0" }
        let places = min(max(decimals, 0), 15)
        // `String(format:)` without a locale formats in the POSIX locale.
        var text = String(format: "%.\(places)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Seconds with 3 decimals, for human-facing tables.
    public static func seconds(_ value: Double) -> String { number(value, decimals: 3) }
}
