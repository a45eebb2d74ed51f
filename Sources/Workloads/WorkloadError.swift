/// A workload or arrival setting that cannot be used. One line, naming the file, key and field.
public enum WorkloadError: Error, Equatable, CustomStringConvertible, Sendable {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case invalidField(file: String, key: String, field: String, value: String)
    case empty(file: String)
    case invalidArrivals(field: String, value: String, requirement: String)
    case missingResource(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "cannot read workload file \(file): \(reason)"
        case .malformed(let file, let reason): "malformed workload file \(file): \(reason)"
        case .invalidField(let file, let key, let field, let value):
            "invalid workload file \(file): request \"\(key)\" field \(field) = \(value)"
        case .empty(let file): "workload file \(file) holds no requests"
        case .invalidArrivals(let field, let value, let requirement): "invalid \(field) = \(value): \(requirement)"
        case .missingResource(let name): "the bundled workload \(name) is missing from the installation"
        }
    }
}
