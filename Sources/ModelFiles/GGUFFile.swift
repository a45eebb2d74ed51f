/// A GGUF (version 3) model file, memory-mapped read-only.
///
/// Opening parses and validates the header, the metadata and the tensor directory; tensor bytes
/// stay in the page cache until they are touched. The map is released when the object is
/// deinitialized, so **every `UnsafeRawBufferPointer` returned by `tensorData(_:)` is valid only
/// while this object is alive**: keep a strong reference to the file for as long as any view of
/// its tensors is in use. The object is immutable and safe to share between threads.
///
/// `@unchecked Sendable` is safe: all stored properties are immutable after init, and the mapped
/// bytes are read-only (see `MappedBytes`).
public final class GGUFFile: @unchecked Sendable {
    /// The path the file was opened from (or the name given to in-memory data).
    public let path: String
    /// The GGUF format version (always 3).
    public let version: UInt32
    /// All metadata entries, with typed accessors.
    public let metadata: GGUFMetadata
    /// The tensor directory by name.
    public let tensors: [String: GGUFTensorInfo]
    /// Tensor names in the order the file lists them.
    public let tensorNames: [String]
    /// Alignment of the data section and of every tensor (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute byte offset of the data section; tensor offsets are relative to it.
    public let dataOffset: Int
    private let storage: MappedBytes

    /// Opens, maps and validates the file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(storage: MappedBytes(path: path), name: path)
    }

    /// Parses GGUF bytes held in memory (copied), e.g. a file a test has just built.
    /// `name` stands in for the path in error messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(GGUFError) {
        try self.init(storage: MappedBytes(copying: bytes), name: name)
    }

    private init(storage: MappedBytes, name: String) throws(GGUFError) {
        var parser = GGUFParser(bytes: storage.bytes, path: name)
        let layout = try parser.parse()
        self.storage = storage
        self.path = name
        self.version = layout.version
        self.metadata = GGUFMetadata(layout.metadata, source: name)
        self.tensors = Dictionary(uniqueKeysWithValues: layout.tensors.map { ($0.name, $0) })
        self.tensorNames = layout.tensors.map(\.name)
        self.alignment = layout.alignment
        self.dataOffset = layout.dataOffset
    }

    /// Size of the file in bytes.
    public var fileSize: Int { storage.bytes.count }

    /// The directory entry of tensor `name`, or `missingTensor`.
    public func tensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = tensors[name] else { throw .missingTensor(path: path, tensor: name) }
        return info
    }

    /// A zero-copy view of tensor `name`'s bytes inside the map.
    ///
    /// The view is valid only while this `GGUFFile` is alive; do not let it escape the object's
    /// lifetime. Bounds were checked when the file was opened.
    public func tensorData(_ name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let info = try tensor(name)
        let start = dataOffset + info.offset
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start ..< start + info.byteCount])
    }

    /// Calls `body` with a view of tensor `name`'s bytes, keeping the file alive meanwhile.
    public func withTensorData<Result>(
        _ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        try withExtendedLifetime(self) { try body(try tensorData(name)) }
    }

    /// Tensor `name` converted to `Float` (see `GGMLQuantization.dequantize`).
    public func dequantizedTensor(_ name: String) throws(GGUFError) -> [Float] {
        let info = try tensor(name)
        return try dequantizedRows(name, rows: 0 ..< info.rowCount)
    }

    /// Rows `rows` of tensor `name` converted to `Float`, row after row (`rowLength` values each).
    public func dequantizedRows(_ name: String, rows: Range<Int>) throws(GGUFError) -> [Float] {
        let info = try tensor(name)
        guard rows.lowerBound >= 0, rows.upperBound <= info.rowCount else {
            throw .invalidArgument("rows \(rows) out of range for tensor '\(name)' with \(info.rowCount) rows")
        }
        let data = try tensorData(name)
        let bytes = UnsafeRawBufferPointer(
            rebasing: data[rows.lowerBound * info.rowByteCount ..< rows.upperBound * info.rowByteCount])
        return try withExtendedLifetime(self) { () throws(GGUFError) -> [Float] in
            try GGMLQuantization.dequantize(bytes, type: info.type, count: rows.count * info.rowLength)
        }
    }
}
