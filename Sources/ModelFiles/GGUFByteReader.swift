/// A bounds-checked little-endian cursor over a file's bytes. Every read checks the remaining
/// length first and throws `GGUFError.truncated` naming the field, so no length taken from the
/// file is ever trusted.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var position: Int = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - position }

    /// Throws unless `count` more bytes are available for `field`.
    func require(_ count: Int, for field: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(path: path, field: field(), offset: position, byteCount: count, fileSize: bytes.count)
        }
    }

    mutating func readInteger<T: FixedWidthInteger>(
        _: T.Type, for field: @autoclosure () -> String
    ) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, for: field())
        let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat32(for field: @autoclosure () -> String) throws(GGUFError) -> Float {
        Float(bitPattern: try readInteger(UInt32.self, for: field()))
    }

    mutating func readFloat64(for field: @autoclosure () -> String) throws(GGUFError) -> Double {
        Double(bitPattern: try readInteger(UInt64.self, for: field()))
    }

    /// Reads a uint64 that must fit in `Int` (counts and lengths).
    mutating func readCount(for field: @autoclosure () -> String) throws(GGUFError) -> Int {
        let start = position
        let raw = try readInteger(UInt64.self, for: field())
        guard let count = Int(exactly: raw), count <= bytes.count else {
            throw .truncated(
                path: path, field: field(), offset: start + 8, byteCount: Int(clamping: raw), fileSize: bytes.count)
        }
        return count
    }

    /// Reads a GGUF string: a uint64 byte length, then that many bytes of UTF-8 (invalid
    /// sequences are replaced with U+FFFD rather than rejected, as llama.cpp accepts them too).
    mutating func readString(for field: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try readCount(for: "length of \(field())")
        try require(length, for: field())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + length])
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    /// Moves the cursor to the next multiple of `alignment` (which may be past the end).
    mutating func align(to alignment: Int) {
        let excess = position % alignment
        if excess != 0 { position += alignment - excess }
    }
}
