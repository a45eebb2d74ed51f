import Foundation
import ModelFiles

/// Helpers shared by the ModelFiles tests: a small valid file to corrupt, byte search and patching,
/// and temporary paths.
enum TestSupport {
    /// A valid file with two metadata strings and two tensors (F32 `a`, Q8_0 `b`).
    static func smallFile(alignment: Int = 32) throws -> [UInt8] {
        var writer = GGUFWriter(alignment: alignment)
        writer.setMetadata("general.architecture", .string("llama"))
        writer.setMetadata("general.name", .string("tiny"))
        try writer.addTensor(name: "a", shape: [4, 2], values: (0 ..< 8).map(Float.init), as: .f32)
        try writer.addTensor(name: "b", shape: [32, 2], values: (0 ..< 64).map { Float($0) / 10 }, as: .q8_0)
        return try writer.serialize()
    }

    /// Offset of the first occurrence of `needle` in `haystack`.
    static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0 ... haystack.count - needle.count).first { Array(haystack[$0 ..< $0 + needle.count]) == needle }
    }

    /// Offset just past a length-prefixed GGUF string equal to `string` (a key or tensor name).
    static func offset(after string: String, in bytes: [UInt8]) -> Int? {
        var encoded = littleEndian(UInt64(string.utf8.count))
        encoded.append(contentsOf: string.utf8)
        return offset(of: encoded, in: bytes).map { $0 + encoded.count }
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// Overwrites bytes at `offset` with the little-endian encoding of `value`.
    static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, with value: T) {
        let encoded = littleEndian(value)
        bytes.replaceSubrange(offset ..< offset + encoded.count, with: encoded)
    }

    /// A fresh path in the temporary directory (the file is not created).
    static func temporaryPath(_ name: String = "test.gguf") -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("augserve-modelfiles-\(UUID().uuidString)-\(name)").path
    }

    /// Parses `bytes` and returns the error it throws, or nil when it parses.
    static func parseError(_ bytes: [UInt8], name: String = "test.gguf") -> GGUFError? {
        do {
            _ = try GGUFFile(bytes: bytes, name: name)
            return nil
        } catch {
            return error
        }
    }

    /// The installed default model, or nil when `scripts/setup.sh` has not been run.
    static var installedModelPath: String? {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
