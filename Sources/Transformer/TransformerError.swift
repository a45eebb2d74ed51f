import ModelFiles

/// Errors of model loading, cache set-up and execution. Each `description` is one line naming the
/// tensor, field or value at fault.
public enum TransformerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The model file could not be read (missing, truncated, missing tensor, ...).
    case file(GGUFError)
    /// `general.architecture` is not one this module runs.
    case unsupportedArchitecture(String)
    /// A hyperparameter is missing, zero or inconsistent with the others.
    case badHyperparameter(key: String, value: String)
    /// A tensor's shape differs from the one the hyperparameters imply (GGUF order: `ne0` first).
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    /// A tensor's storage type has no kernel.
    case unsupportedTensorType(tensor: String, type: String)
    /// A KV cache with a non-positive or unallocatable size was requested.
    case invalidCacheShape(String)
    /// A device block id outside the KV pool.
    case blockOutOfRange(block: Int, blockCount: Int)
    /// A host slot outside the swap area.
    case hostSlotOutOfRange(slot: Int, slotCount: Int)
    /// A batch the forward pass cannot run: `sequence` is its index in the batch.
    case invalidBatch(sequence: Int, reason: String)

    public var description: String {
        switch self {
        case .file(let error): "\(error)"
        case .unsupportedArchitecture(let name): "unsupported model architecture '\(name)' (supported: llama)"
        case .badHyperparameter(let key, let value): "invalid model hyperparameter \(key) = \(value)"
        case .tensorShape(let tensor, let expected, let found):
            "tensor \(tensor) has shape \(found), expected \(expected)"
        case .unsupportedTensorType(let tensor, let type):
            "tensor \(tensor) has type \(type); supported: \(WeightMatrix.supportedTypes.map(\.description).joined(separator: ", "))"
        case .invalidCacheShape(let reason): "invalid KV cache: \(reason)"
        case .blockOutOfRange(let block, let count): "KV block \(block) is outside the pool of \(count) blocks"
        case .hostSlotOutOfRange(let slot, let count): "host slot \(slot) is outside the swap area of \(count) slots"
        case .invalidBatch(let sequence, let reason): "invalid batch: sequence \(sequence): \(reason)"
        }
    }
}
