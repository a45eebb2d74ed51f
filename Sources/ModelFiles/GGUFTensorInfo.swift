/// One entry of a GGUF tensor directory.
///
/// `shape` is in ggml order: `shape[0]` (`ne0`) is the contiguous dimension, so a weight matrix
/// of a linear layer `y = W x` has `shape == [inputs, outputs]` and its rows (one per output) are
/// `rowLength` elements, `rowByteCount` bytes apart.
public struct GGUFTensorInfo: Sendable, Hashable {
    /// The tensor's name, such as `blk.0.attn_q.weight`.
    public let name: String
    /// Dimensions, `ne0` first. Empty for a scalar.
    public let shape: [Int]
    /// Element type.
    public let type: GGMLType
    /// Offset of the first byte, relative to the start of the file's data section.
    public let offset: Int
    /// Number of bytes the tensor occupies.
    public let byteCount: Int

    /// Creates an entry; `GGUFFile` validates entries read from a file before creating them.
    public init(name: String, shape: [Int], type: GGMLType, offset: Int, byteCount: Int) {
        self.name = name
        self.shape = shape
        self.type = type
        self.offset = offset
        self.byteCount = byteCount
    }

    /// Total number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Elements per row (`ne0`).
    public var rowLength: Int { shape.first ?? 1 }

    /// Number of rows: the product of every dimension after the first.
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }

    /// Bytes per row.
    public var rowByteCount: Int { rowLength / type.blockSize * type.bytesPerBlock }
}
