/// Everything that can go wrong reading, writing or converting a GGUF file.
///
/// Each case names the file (its path, or `<memory>` for in-memory data) and the field, and its
/// `description` is one line meant for an end user.
public enum GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file exists at the path.
    case fileNotFound(path: String)
    /// The path exists but cannot be opened or mapped (a directory, no permission, ...).
    case cannotOpen(path: String, reason: String)
    /// The file ends before `field` does: it needs `byteCount` bytes at `offset`.
    case truncated(path: String, field: String, offset: Int, byteCount: Int, fileSize: Int)
    /// The first four bytes are not `GGUF`.
    case badMagic(path: String, found: [UInt8])
    /// The format version is not 3.
    case unsupportedVersion(path: String, version: UInt32)
    /// A metadata value (or array element) has a type tag GGUF does not define.
    case unknownValueType(path: String, key: String, rawValue: UInt32)
    /// A tensor has a type id that is not a known `GGMLType`.
    case unknownTensorType(path: String, tensor: String, rawValue: UInt32)
    /// A tensor's shape, offset or size is impossible or disagrees with its type or neighbours.
    case inconsistentTensor(path: String, tensor: String, reason: String)
    /// Two metadata entries have the same key.
    case duplicateKey(path: String, key: String)
    /// Two tensors have the same name.
    case duplicateTensor(path: String, tensor: String)
    /// A requested tensor is not in the file.
    case missingTensor(path: String, tensor: String)
    /// A requested metadata key is not in the file.
    case missingKey(path: String, key: String)
    /// A metadata key holds a value of another type than the one requested.
    case wrongValueType(path: String, key: String, expected: String, found: String)
    /// A metadata value has the right type but an unusable value (alignment 0, negative count...).
    case invalidValue(path: String, key: String, reason: String)
    /// The operation is not implemented for this tensor type (e.g. dequantizing a K-quant).
    case unsupportedType(GGMLType, operation: String)
    /// A caller passed inconsistent data to the writer or a quantizer.
    case invalidArgument(String)
    /// Writing the file failed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "\(path): no such file"
        case .cannotOpen(let path, let reason):
            "\(path): cannot open: \(reason)"
        case .truncated(let path, let field, let offset, let byteCount, let fileSize):
            "\(path): truncated: \(field) needs \(byteCount) bytes at offset \(offset) but the file has \(fileSize)"
        case .badMagic(let path, let found):
            "\(path): not a GGUF file (starts with bytes \(Self.hex(found)), expected 47 47 55 46 'GGUF')"
        case .unsupportedVersion(let path, let version):
            "\(path): unsupported GGUF version \(version) (only version 3 is supported)"
        case .unknownValueType(let path, let key, let rawValue):
            "\(path): metadata '\(key)' has unknown value type \(rawValue)"
        case .unknownTensorType(let path, let tensor, let rawValue):
            "\(path): tensor '\(tensor)' has unknown tensor type id \(rawValue)"
        case .inconsistentTensor(let path, let tensor, let reason):
            "\(path): tensor '\(tensor)': \(reason)"
        case .duplicateKey(let path, let key):
            "\(path): metadata key '\(key)' appears twice"
        case .duplicateTensor(let path, let tensor):
            "\(path): tensor '\(tensor)' appears twice"
        case .missingTensor(let path, let tensor):
            "\(path): no tensor named '\(tensor)'"
        case .missingKey(let path, let key):
            "\(path): missing metadata key '\(key)'"
        case .wrongValueType(let path, let key, let expected, let found):
            "\(path): metadata '\(key)' is \(found), expected \(expected)"
        case .invalidValue(let path, let key, let reason):
            "\(path): metadata '\(key)': \(reason)"
        case .unsupportedType(let type, let operation):
            "\(operation) is not supported for tensor type \(type)"
        case .invalidArgument(let message):
            message
        case .cannotWrite(let path, let reason):
            "\(path): cannot write: \(reason)"
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }
}
