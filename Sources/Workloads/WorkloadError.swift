/// A workload file or arrival setting that cannot be used. Each message is one line naming the
/// file, the request key and field, and the offending value.
public enum WorkloadError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file is not a workload document (not JSON, truncated, wrong shape).
    case malformed(file: String, reason: String)
    /// One field of one request is missing or out of range.
    case invalidField(file: String, key: String, field: String, value: String, requirement: String)
    /// The file (or workload) holds no requests.
    case empty(file: String)
    /// An arrival-process or schedule setting is out of range.
    case invalidArrivals(field: String, value: String, requirement: String)
    /// The data file shipped with the package was not found next to the executable.
    case missingResource(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "cannot read workload file \(file): \(reason)"
        case .malformed(let file, let reason): "malformed workload file \(file): \(reason)"
        case .invalidField(let file, let key, let field, let value, let requirement):
            "invalid workload file \(file): request \"\(key)\" field \(field) = \(value): \(requirement)"
        case .empty(let file): "workload \(file) holds no requests"
        case .invalidArrivals(let field, let value, let requirement): "invalid \(field) = \(value): \(requirement)"
        case .missingResource(let name): "the bundled workload \(name) is missing from the installation"
        }
    }
}
