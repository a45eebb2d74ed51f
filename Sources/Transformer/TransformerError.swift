import ModelFiles

/// Errors of model loading and execution. One line each, naming the tensor, field or value.
public enum TransformerError: Error, Equatable, CustomStringConvertible, Sendable {
    case file(GGUFError)
    case unsupportedArchitecture(String)
    case badHyperparameter(key: String, value: String)
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    case unsupportedTensorType(tensor: String, type: String)
    case invalidBatch(String)

    public var description: String {
        switch self {
        case .file(let error): "\(error)"
        case .unsupportedArchitecture(let name): "unsupported model architecture '\(name)' (supported: llama)"
        case .badHyperparameter(let key, let value): "invalid model hyperparameter \(key) = \(value)"
        case .tensorShape(let tensor, let expected, let found):
            "tensor \(tensor) has shape \(found), expected \(expected)"
        case .unsupportedTensorType(let tensor, let type): "tensor \(tensor) has unsupported type \(type)"
        case .invalidBatch(let reason): "invalid batch: \(reason)"
        }
    }
}
