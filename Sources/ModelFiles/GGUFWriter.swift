#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a GGUF version 3 file: metadata of every type, then tensors given as raw bytes with
/// their type and shape, each aligned to `general.alignment` (default 32).
///
/// Tests across the project use it to write tiny seeded random-weight models:
/// ```swift
/// var writer = GGUFWriter()
/// writer.setMetadata("general.architecture", .string("llama"))
/// try writer.addTensor(name: "output_norm.weight", shape: [8], values: weights, as: .f32)
/// try writer.write(to: path)
/// ```
public struct GGUFWriter: Sendable {
    private struct PendingTensor: Sendable {
        var name: String
        var type: GGMLType
        var shape: [Int]
        var data: [UInt8]
    }

    private var metadataKeys: [String] = []
    private var metadataValues: [String: GGUFValue] = [:]
    private var pendingTensors: [PendingTensor] = []

    /// A writer with no entries. A non-default `alignment` is recorded as `general.alignment`.
    public init(alignment: Int = 32) {
        if alignment != GGUFParser.defaultAlignment {
            setMetadata(GGUFParser.alignmentKey, .uint32(UInt32(clamping: alignment)))
        }
    }

    /// Sets `key` to `value`, replacing an earlier value (entries keep their first position).
    public mutating func setMetadata(_ key: String, _ value: GGUFValue) {
        if metadataValues.updateValue(value, forKey: key) == nil { metadataKeys.append(key) }
    }

    /// Adds a tensor from its encoded bytes; `data.count` must equal the size `type` and `shape`
    /// imply (`shape[0]` a multiple of the block size).
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], data: [UInt8]) throws(GGUFError) {
        guard !pendingTensors.contains(where: { $0.name == name }) else {
            throw .invalidArgument("GGUFWriter: tensor '\(name)' added twice")
        }
        guard shape.count <= GGUFParser.maximumDimensionCount, shape.allSatisfy({ $0 >= 0 }) else {
            throw .invalidArgument("GGUFWriter: tensor '\(name)' has invalid shape \(shape)")
        }
        let expected = try GGUFParser.byteCount(of: name, shape: shape, type: type, path: "GGUFWriter")
        guard expected == data.count else {
            throw .invalidArgument(
                "GGUFWriter: tensor '\(name)' (\(type), shape \(shape)) needs \(expected) bytes, got \(data.count)")
        }
        pendingTensors.append(PendingTensor(name: name, type: type, shape: shape, data: data))
    }

    /// Adds a tensor from `Float` values (row after row), encoded as `type` with
    /// `GGMLQuantization.quantize`.
    public mutating func addTensor(name: String, shape: [Int], values: [Float], as type: GGMLType = .f32) throws(GGUFError) {
        guard shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) == values.count else {
            throw .invalidArgument("GGUFWriter: tensor '\(name)' has shape \(shape) but \(values.count) values")
        }
        try addTensor(name: name, type: type, shape: shape, data: GGMLQuantization.quantize(values, to: type))
    }

    /// The complete file.
    public func serialize() throws(GGUFError) -> [UInt8] {
        let alignment = try GGUFParser.alignment(in: metadataValues, path: "GGUFWriter")
        var output: [UInt8] = GGUFParser.magic
        append(UInt32(3), to: &output)
        append(UInt64(pendingTensors.count), to: &output)
        append(UInt64(metadataKeys.count), to: &output)
        for key in metadataKeys {
            guard let value = metadataValues[key] else { continue }
            appendString(key, to: &output)
            append(value.type.rawValue, to: &output)
            try appendValue(value, key: key, to: &output)
        }
        var offset = 0
        for tensor in pendingTensors {
            appendString(tensor.name, to: &output)
            append(UInt32(tensor.shape.count), to: &output)
            for extent in tensor.shape { append(UInt64(extent), to: &output) }
            append(tensor.type.rawValue, to: &output)
            append(UInt64(offset), to: &output)
            offset += Self.padded(tensor.data.count, to: alignment)
        }
        output.append(contentsOf: repeatElement(0, count: Self.padded(output.count, to: alignment) - output.count))
        for tensor in pendingTensors {
            output.append(contentsOf: tensor.data)
            output.append(contentsOf: repeatElement(0, count: Self.padded(tensor.data.count, to: alignment) - tensor.data.count))
        }
        return output
    }

    /// Writes the file to `path`, replacing any existing file.
    public func write(to path: String) throws(GGUFError) {
        let bytes = try serialize()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: MappedBytes.message(for: errno)) }
        defer { close(descriptor) }
        if let code = writeAll(bytes, to: descriptor) {
            throw .cannotWrite(path: path, reason: MappedBytes.message(for: code))
        }
    }

    private static func padded(_ count: Int, to alignment: Int) -> Int {
        (count + alignment - 1) / alignment * alignment
    }

    private func appendValue(_ value: GGUFValue, key: String, to output: inout [UInt8]) throws(GGUFError) {
        switch value {
        case .uint8(let v): append(v, to: &output)
        case .int8(let v): append(v, to: &output)
        case .uint16(let v): append(v, to: &output)
        case .int16(let v): append(v, to: &output)
        case .uint32(let v): append(v, to: &output)
        case .int32(let v): append(v, to: &output)
        case .uint64(let v): append(v, to: &output)
        case .int64(let v): append(v, to: &output)
        case .float32(let v): append(v.bitPattern, to: &output)
        case .float64(let v): append(v.bitPattern, to: &output)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &output)
        case .string(let v): appendString(v, to: &output)
        case .array(let elementType, let elements):
            append(elementType.rawValue, to: &output)
            append(UInt64(elements.count), to: &output)
            for element in elements {
                guard element.type == elementType else {
                    throw .invalidArgument(
                        "GGUFWriter: metadata '\(key)' is an array of \(elementType) holding a \(element.typeDescription)")
                }
                try appendValue(element, key: key, to: &output)
            }
        }
    }

    private func appendString(_ string: String, to output: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        append(UInt64(utf8.count), to: &output)
        output.append(contentsOf: utf8)
    }

    private func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        GGMLQuantization.appendLittleEndian(value, to: &output)
    }
}

/// Writes every byte to `descriptor`, retrying short writes; returns the errno of a failure.
private func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
        var written = 0
        while written < buffer.count {
            let rest = UnsafeRawBufferPointer(rebasing: buffer[written...])
            let result = write(descriptor, rest.baseAddress, rest.count)
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return errno }
            written += result
        }
        return nil
    }
}
