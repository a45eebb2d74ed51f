/// What a GGUF header describes, before the file object wraps it.
struct GGUFLayout {
    var version: UInt32
    var metadata: [String: GGUFValue]
    /// Tensors in the order the directory lists them.
    var tensors: [GGUFTensorInfo]
    var alignment: Int
    /// Absolute offset of the data section (tensor offsets are relative to it).
    var dataOffset: Int
}

/// Parses the header, metadata and tensor directory of a GGUF v3 file and validates the layout.
///
/// Layout (all little-endian): magic `GGUF`, uint32 version, uint64 tensor count, uint64
/// metadata count, the metadata entries (string key, uint32 type, value), the tensor infos
/// (string name, uint32 dimension count, uint64 dimensions `ne0` first, uint32 type, uint64
/// offset), padding to the alignment, then the data section.
struct GGUFParser {
    /// ggml's `GGML_MAX_DIMS`.
    static let maximumDimensionCount = 4
    /// Arrays nested deeper than this are rejected, so a crafted file cannot exhaust the stack.
    static let maximumArrayDepth = 8
    static let defaultAlignment = 32
    static let magic: [UInt8] = Array("GGUF".utf8)
    static let alignmentKey = "general.alignment"

    var reader: GGUFByteReader
    var path: String { reader.path }

    init(bytes: UnsafeRawBufferPointer, path: String) {
        reader = GGUFByteReader(bytes: bytes, path: path)
    }

    mutating func parse() throws(GGUFError) -> GGUFLayout {
        let version = try readHeaderStart()
        let tensorCount = try reader.readCount(for: "tensor count")
        let metadataCount = try reader.readCount(for: "metadata count")
        // Each metadata entry takes at least 13 bytes, each tensor info at least 24.
        try reader.require(Self.product(metadataCount, 13), for: "\(metadataCount) metadata entries")
        let metadata = try readMetadata(count: metadataCount)
        let alignment = try Self.alignment(in: metadata, path: path)
        try reader.require(Self.product(tensorCount, 24), for: "\(tensorCount) tensor infos")
        let tensors = try readTensorInfos(count: tensorCount, alignment: alignment)
        reader.align(to: alignment)
        let layout = GGUFLayout(
            version: version, metadata: metadata, tensors: tensors,
            alignment: alignment, dataOffset: reader.position)
        try validateDataBounds(layout)
        return layout
    }

    private mutating func readHeaderStart() throws(GGUFError) -> UInt32 {
        try reader.require(4, for: "magic")
        let found = Array(reader.bytes[0 ..< 4])
        guard found == Self.magic else { throw .badMagic(path: path, found: found) }
        _ = try reader.readInteger(UInt32.self, for: "magic")
        let version = try reader.readInteger(UInt32.self, for: "version")
        guard version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        return version
    }

    private mutating func readMetadata(count: Int) throws(GGUFError) -> [String: GGUFValue] {
        var metadata: [String: GGUFValue] = [:]
        for index in 0 ..< count {
            let key = try reader.readString(for: "key of metadata entry \(index)")
            let rawType = try reader.readInteger(UInt32.self, for: "type of metadata '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .unknownValueType(path: path, key: key, rawValue: rawType)
            }
            let value = try readValue(type, key: key, depth: 0)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw .duplicateKey(path: path, key: key)
            }
        }
        return metadata
    }

    private mutating func readValue(_ type: GGUFValueType, key: String, depth: Int) throws(GGUFError) -> GGUFValue {
        let field = "value of metadata '\(key)'"
        switch type {
        case .uint8: return .uint8(try reader.readInteger(UInt8.self, for: field))
        case .int8: return .int8(try reader.readInteger(Int8.self, for: field))
        case .uint16: return .uint16(try reader.readInteger(UInt16.self, for: field))
        case .int16: return .int16(try reader.readInteger(Int16.self, for: field))
        case .uint32: return .uint32(try reader.readInteger(UInt32.self, for: field))
        case .int32: return .int32(try reader.readInteger(Int32.self, for: field))
        case .uint64: return .uint64(try reader.readInteger(UInt64.self, for: field))
        case .int64: return .int64(try reader.readInteger(Int64.self, for: field))
        case .float32: return .float32(try reader.readFloat32(for: field))
        case .float64: return .float64(try reader.readFloat64(for: field))
        case .bool: return .bool(try reader.readInteger(UInt8.self, for: field) != 0)
        case .string: return .string(try reader.readString(for: field))
        case .array: return try readArray(key: key, depth: depth)
        }
    }

    private mutating func readArray(key: String, depth: Int) throws(GGUFError) -> GGUFValue {
        guard depth < Self.maximumArrayDepth else {
            throw .invalidValue(path: path, key: key, reason: "arrays nested more than \(Self.maximumArrayDepth) deep")
        }
        let rawType = try reader.readInteger(UInt32.self, for: "element type of metadata '\(key)'")
        guard let elementType = GGUFValueType(rawValue: rawType) else {
            throw .unknownValueType(path: path, key: key, rawValue: rawType)
        }
        let count = try reader.readCount(for: "element count of metadata '\(key)'")
        try reader.require(Self.product(count, elementType.minimumByteCount),
                           for: "\(count) elements of metadata '\(key)'")
        var elements: [GGUFValue] = []
        elements.reserveCapacity(count)
        for _ in 0 ..< count {
            elements.append(try readValue(elementType, key: key, depth: depth + 1))
        }
        return .array(elementType: elementType, elements: elements)
    }

    /// `a * b`, saturating at `Int.max` (used for minimum sizes, where saturation still fails the check).
    static func product(_ a: Int, _ b: Int) -> Int {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : result
    }

    static func alignment(in metadata: [String: GGUFValue], path: String) throws(GGUFError) -> Int {
        guard let value = metadata[alignmentKey] else { return defaultAlignment }
        guard let alignment = value.integerValue else {
            throw .wrongValueType(path: path, key: alignmentKey, expected: "uint32", found: value.typeDescription)
        }
        guard alignment > 0, alignment.nonzeroBitCount == 1 else {
            throw .invalidValue(path: path, key: alignmentKey, reason: "\(alignment) is not a positive power of two")
        }
        return alignment
    }
}
