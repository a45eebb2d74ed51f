/// A measurement setting or report input that cannot be used; one line naming the field.
public enum MeasurementError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An SLO field is zero, negative or not finite.
    case invalidSLO(field: String, value: String)
    /// The caller's report configuration could not be encoded as JSON.
    case unencodableConfiguration(reason: String)

    public var description: String {
        switch self {
        case .invalidSLO(let field, let value): "invalid SLO \(field) = \(value): must be a positive number"
        case .unencodableConfiguration(let reason): "cannot encode the report configuration as JSON: \(reason)"
        }
    }
}
