/// A configuration value that failed validation. The message names the field and the bad value.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    public let field: String
    public let value: String
    public let requirement: String

    public init(field: String, value: some CustomStringConvertible, requirement: String) {
        self.field = field
        self.value = value.description
        self.requirement = requirement
    }

    public var description: String { "invalid \(field) = \(value): \(requirement)" }

    /// Throws unless `condition` holds.
    public static func require(
        _ condition: Bool, _ field: String, _ value: some CustomStringConvertible, _ requirement: String
    ) throws(ConfigurationError) {
        if !condition { throw ConfigurationError(field: field, value: value, requirement: requirement) }
    }
}

extension Duration {
    /// Seconds as a `Double`, for arithmetic in cost formulas. Keep `Duration` in APIs.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// A duration from a `Double` number of seconds, to attosecond resolution (non-finite or
    /// out-of-range values become zero).
    public static func seconds(_ value: Double) -> Duration {
        guard value.isFinite, abs(value) < 9e15 else { return .zero }
        let whole = value.rounded(.towardZero)
        return Duration(secondsComponent: Int64(whole), attosecondsComponent: Int64((value - whole) * 1e18))
    }
}
