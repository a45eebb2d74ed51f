import Foundation
import Testing
import Workloads
@testable import ModelFiles

@Suite("GGUF reader errors: bad files are clear errors, never crashes")
struct GGUFErrorTests {
    /// Every error message is one line and names the file.
    static func expectReadable(_ error: GGUFError?, mentions name: String = "test.gguf") {
        guard let error else {
            Issue.record("expected an error")
            return
        }
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains(name), "\(error)")
    }

    @Test("a missing file")
    func missingFile() {
        let path = TestSupport.temporaryPath("absent.gguf")
        #expect(throws: GGUFError.fileNotFound(path: path)) { try GGUFFile(path: path) }
        #expect(GGUFError.fileNotFound(path: path).description.contains(path))
    }

    @Test("a directory is not a model file")
    func directory() {
        let path = FileManager.default.temporaryDirectory.path
        #expect(throws: GGUFError.cannotOpen(path: path, reason: "not a regular file")) { try GGUFFile(path: path) }
    }

    @Test("an empty file and a file cut anywhere are truncated", arguments: [0, 3, 4, 10, 20, 40, 60, 100, 150])
    func truncatedAnywhere(length: Int) throws {
        let bytes = try TestSupport.smallFile()
        let error = TestSupport.parseError(Array(bytes.prefix(length)))
        guard case .truncated = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        Self.expectReadable(error)
    }

    @Test("every possible cut of a file gives a typed error")
    func everyCut() throws {
        let bytes = try TestSupport.smallFile()
        let dataStart = try GGUFFile(bytes: bytes).dataOffset
        for length in 0 ..< dataStart + 1 {
            #expect(TestSupport.parseError(Array(bytes.prefix(length))) != nil, "cut at \(length)")
        }
    }

    @Test("tensor data past the end of the file")
    func dataPastEnd() throws {
        let bytes = try TestSupport.smallFile()
        let error = TestSupport.parseError(Array(bytes.dropLast(40)))
        guard case .truncated(_, let field, _, _, _) = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        #expect(field == "data of tensor 'b'")
        Self.expectReadable(error)
    }

    @Test("a metadata string whose length runs past the end")
    func stringLengthPastEnd() throws {
        var bytes = try TestSupport.smallFile()
        let valueStart = try #require(TestSupport.offset(after: "general.name", in: bytes)) + 4
        TestSupport.patch(&bytes, at: valueStart, with: UInt64(1) << 40)
        let error = TestSupport.parseError(bytes)
        guard case .truncated(_, let field, _, _, _) = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        #expect(field.contains("general.name"))
        Self.expectReadable(error)
    }

    @Test("an array count larger than the file")
    func hugeArrayCount() throws {
        var writer = GGUFWriter()
        writer.setMetadata("tokenizer.ggml.tokens", .stringArray(["a", "b"]))
        var bytes = try writer.serialize()
        let countStart = try #require(TestSupport.offset(after: "tokenizer.ggml.tokens", in: bytes)) + 8
        TestSupport.patch(&bytes, at: countStart, with: UInt64.max / 2)
        let error = TestSupport.parseError(bytes)
        guard case .truncated(_, let field, _, _, _) = error else {
            Issue.record("expected truncated, got \(String(describing: error))")
            return
        }
        #expect(field.contains("tokenizer.ggml.tokens"))
    }

    @Test("wrong magic")
    func wrongMagic() throws {
        var bytes = try TestSupport.smallFile()
        bytes[0] = UInt8(ascii: "X")
        #expect(TestSupport.parseError(bytes) == .badMagic(path: "test.gguf", found: [0x58, 0x47, 0x55, 0x46]))
        Self.expectReadable(TestSupport.parseError(bytes))
    }

    @Test("unsupported versions", arguments: [UInt32(1), 2, 4, 0x0300_0000])
    func unsupportedVersion(version: UInt32) throws {
        var bytes = try TestSupport.smallFile()
        TestSupport.patch(&bytes, at: 4, with: version)
        #expect(TestSupport.parseError(bytes) == .unsupportedVersion(path: "test.gguf", version: version))
    }

    @Test("an unknown metadata value type")
    func unknownValueType() throws {
        var bytes = try TestSupport.smallFile()
        let typeStart = try #require(TestSupport.offset(after: "general.name", in: bytes))
        TestSupport.patch(&bytes, at: typeStart, with: UInt32(13))
        #expect(TestSupport.parseError(bytes) == .unknownValueType(path: "test.gguf", key: "general.name", rawValue: 13))
        Self.expectReadable(TestSupport.parseError(bytes))
    }

    @Test("unknown or retired tensor type ids", arguments: [UInt32(4), 5, 31, 36, 40, 0xFFFF_FFFF])
    func unknownTensorType(rawValue: UInt32) throws {
        var bytes = try TestSupport.smallFile()
        // name "b", dimension count, 2 dimensions, then the type.
        let typeStart = try #require(TestSupport.offset(after: "b", in: bytes)) + 4 + 16
        TestSupport.patch(&bytes, at: typeStart, with: rawValue)
        #expect(TestSupport.parseError(bytes) == .unknownTensorType(path: "test.gguf", tensor: "b", rawValue: rawValue))
    }

    @Test("ne0 that is not a multiple of the block size")
    func partialBlock() throws {
        var bytes = try TestSupport.smallFile()
        let ne0Start = try #require(TestSupport.offset(after: "b", in: bytes)) + 4
        TestSupport.patch(&bytes, at: ne0Start, with: UInt64(33))
        let error = TestSupport.parseError(bytes)
        guard case .inconsistentTensor(_, "b", let reason) = error else {
            Issue.record("expected inconsistentTensor, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("block size 32"))
        Self.expectReadable(error)
    }

    @Test("a shape whose byte count overlaps the next tensor")
    func overlappingTensor() throws {
        var bytes = try TestSupport.smallFile()
        let ne1Start = try #require(TestSupport.offset(after: "a", in: bytes)) + 4 + 8
        TestSupport.patch(&bytes, at: ne1Start, with: UInt64(3))  // 48 bytes, "b" starts at 32
        let error = TestSupport.parseError(bytes)
        guard case .inconsistentTensor(_, "a", let reason) = error else {
            Issue.record("expected inconsistentTensor, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("overlap"))
    }

    @Test("a shape with an element count that overflows, or too many dimensions")
    func absurdShapes() throws {
        var bytes = try TestSupport.smallFile()
        let dimsStart = try #require(TestSupport.offset(after: "a", in: bytes))
        var overflowing = bytes
        TestSupport.patch(&overflowing, at: dimsStart + 4, with: UInt64(1) << 40)
        TestSupport.patch(&overflowing, at: dimsStart + 12, with: UInt64(1) << 40)
        guard case .inconsistentTensor(_, "a", _) = TestSupport.parseError(overflowing) else {
            Issue.record("expected inconsistentTensor for an overflowing shape")
            return
        }
        TestSupport.patch(&bytes, at: dimsStart, with: UInt32(5))
        guard case .inconsistentTensor(_, "a", _) = TestSupport.parseError(bytes) else {
            Issue.record("expected inconsistentTensor for 5 dimensions")
            return
        }
    }

    @Test("a misaligned tensor offset")
    func misalignedOffset() throws {
        var bytes = try TestSupport.smallFile()
        let offsetStart = try #require(TestSupport.offset(after: "b", in: bytes)) + 4 + 16 + 4
        TestSupport.patch(&bytes, at: offsetStart, with: UInt64(33))
        guard case .inconsistentTensor(_, "b", _) = TestSupport.parseError(bytes) else {
            Issue.record("expected inconsistentTensor")
            return
        }
    }

    @Test("duplicate tensor names and metadata keys")
    func duplicates() throws {
        var bytes = try TestSupport.smallFile()
        let nameStart = try #require(TestSupport.offset(after: "b", in: bytes)) - 1
        bytes[nameStart] = UInt8(ascii: "a")
        #expect(TestSupport.parseError(bytes) == .duplicateTensor(path: "test.gguf", tensor: "a"))

        var writer = GGUFWriter()
        writer.setMetadata("key.one", .uint8(1))
        writer.setMetadata("key.two", .uint8(2))
        var metadataBytes = try writer.serialize()
        let keyEnd = try #require(TestSupport.offset(after: "key.two", in: metadataBytes))
        metadataBytes.replaceSubrange(keyEnd - 3 ..< keyEnd, with: Array("one".utf8))
        #expect(TestSupport.parseError(metadataBytes) == .duplicateKey(path: "test.gguf", key: "key.one"))
    }

    @Test("a missing tensor")
    func missingTensor() throws {
        let file = try GGUFFile(bytes: try TestSupport.smallFile(), name: "test.gguf")
        #expect(throws: GGUFError.missingTensor(path: "test.gguf", tensor: "output.weight")) {
            try file.tensorData("output.weight")
        }
        Self.expectReadable(.missingTensor(path: "test.gguf", tensor: "output.weight"))
    }

    @Test("an alignment that is not a power of two", arguments: [0, 48])
    func badAlignment(alignment: UInt32) throws {
        var writer = GGUFWriter()
        writer.setMetadata("general.alignment", .uint32(alignment))
        #expect(throws: GGUFError.self) { try writer.serialize() }
        var bytes = try TestSupport.smallFile(alignment: 64)
        let valueStart = try #require(TestSupport.offset(after: "general.alignment", in: bytes)) + 4
        TestSupport.patch(&bytes, at: valueStart, with: alignment)
        guard case .invalidValue(_, "general.alignment", _) = TestSupport.parseError(bytes) else {
            Issue.record("expected invalidValue")
            return
        }
    }

    @Test("arrays nested too deep are rejected, not recursed into")
    func deepNesting() throws {
        var value = GGUFValue.uint8(1)
        for _ in 0 ..< 10 { value = .array(elementType: value.type, elements: [value]) }
        var writer = GGUFWriter()
        writer.setMetadata("deep", value)
        guard case .invalidValue(_, "deep", _) = TestSupport.parseError(try writer.serialize()) else {
            Issue.record("expected invalidValue")
            return
        }
    }

    @Test("random byte corruption never crashes the reader")
    func randomCorruption() throws {
        let original = try TestSupport.smallFile()
        var generator = SeededRandom(seed: 42)
        for _ in 0 ..< 2000 {
            var bytes = original
            for _ in 0 ..< 1 + Int(generator.next() % 4) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let file = try? GGUFFile(bytes: bytes) {
                for name in file.tensorNames { _ = try? file.dequantizedTensor(name) }
            }
        }
    }
}
