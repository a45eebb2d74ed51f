/// One cell of a report row.
public enum ReportValue: Sendable, Equatable {
    /// A label (policy, preset, workload).
    case text(String)
    /// A count.
    case integer(Int64)
    /// A measured value (seconds, rates, fractions).
    case number(Double)

    /// Locale-independent text for CSV: integers as they are, numbers with up to 6 decimals and
    /// trailing zeros trimmed (`Format.number`).
    public var formatted: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value): Format.number(value)
        }
    }

    /// The numeric value, or nil for text.
    public var doubleValue: Double? {
        switch self {
        case .text: nil
        case .integer(let value): Double(value)
        case .number(let value): value
        }
    }
}

extension ReportValue: Encodable {
    /// Text as a JSON string, integers exactly, numbers in Swift's shortest round-trip form
    /// (non-finite numbers, which JSON cannot hold, as null).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .integer(let value): try container.encode(value)
        case .number(let value) where value.isFinite: try container.encode(value)
        case .number: try container.encodeNil()
        }
    }
}
