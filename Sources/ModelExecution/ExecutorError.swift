import ServingCore
import Transformer

/// A plan or configuration the CPU executor refuses. Thrown before anything is copied or
/// computed, so a refused plan leaves the KV cache as it was.
public enum ExecutorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A sequence of the plan cannot run (`reason` names the field and value).
    case invalidSequence(request: RequestID, reason: String)
    /// A swap names a device block outside the pool.
    case blockOutOfRange(block: Int, blockCount: Int)
    /// A swap names a host slot outside the swap area.
    case hostSlotOutOfRange(slot: Int, slotCount: Int)
    /// The executor was configured with an impossible size.
    case invalidConfiguration(String)
    /// The transformer refused the batch or the model.
    case transformer(TransformerError)

    public var description: String {
        switch self {
        case .invalidSequence(let request, let reason): "invalid plan: request \(request): \(reason)"
        case .blockOutOfRange(let block, let count): "invalid plan: device block \(block) outside the pool of \(count) blocks"
        case .hostSlotOutOfRange(let slot, let count): "invalid plan: host slot \(slot) outside the swap area of \(count) slots"
        case .invalidConfiguration(let reason): "invalid executor configuration: \(reason)"
        case .transformer(let error): "\(error)"
        }
    }
}
