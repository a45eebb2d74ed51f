import Foundation
import Testing
@testable import ModelFiles

@Suite("GGUF writer → reader round trip")
struct GGUFRoundTripTests {
    static let everyValue: [String: GGUFValue] = [
        "t.uint8": .uint8(200), "t.int8": .int8(-100),
        "t.uint16": .uint16(60000), "t.int16": .int16(-30000),
        "t.uint32": .uint32(4_000_000_000), "t.int32": .int32(-2_000_000_000),
        "t.uint64": .uint64(UInt64.max), "t.int64": .int64(Int64.min),
        "t.float32": .float32(1e-5), "t.float64": .float64(-2.5e300),
        "t.bool.true": .bool(true), "t.bool.false": .bool(false),
        "t.string": .string("héllo 🦙\n"), "t.string.empty": .string(""),
        "t.strings": .stringArray(["Ġ t", "", "<|im_start|>", "日本"]),
        "t.int32s": .int32Array([-1, 0, 1, Int32.max]),
        "t.float32s": .float32Array([0.5, -1, .infinity]),
        "t.empty": .array(elementType: .uint8, elements: []),
        "t.nested": .array(elementType: .array, elements: [
            .array(elementType: .bool, elements: [.bool(true)]),
            .array(elementType: .string, elements: []),
        ]),
    ]

    @Test("every metadata value type survives writing and reading")
    func everyMetadataType() throws {
        var writer = GGUFWriter()
        for key in Self.everyValue.keys.sorted() { writer.setMetadata(key, Self.everyValue[key]!) }
        let file = try GGUFFile(bytes: try writer.serialize())
        #expect(file.metadata.values == Self.everyValue)
        #expect(file.version == 3)
        #expect(file.tensors.isEmpty)
        #expect(Set(GGUFValueType.allCases.map(\.rawValue)).isSubset(
            of: Set(Self.everyValue.values.flatMap { [$0.type.rawValue] + Self.elementTypes($0) })))
    }

    static func elementTypes(_ value: GGUFValue) -> [UInt32] {
        guard case .array(let type, let elements) = value else { return [] }
        return [type.rawValue] + elements.flatMap(elementTypes)
    }

    @Test("typed accessors convert widths and name the key on error")
    func typedAccessors() throws {
        var writer = GGUFWriter()
        for (key, value) in Self.everyValue { writer.setMetadata(key, value) }
        let metadata = try GGUFFile(bytes: try writer.serialize(), name: "m.gguf").metadata
        #expect(try metadata.int("t.uint16") == 60000)
        #expect(try metadata.int("t.int64") == Int(Int64.min))
        #expect(try metadata.float("t.float32") == 1e-5)
        #expect(try metadata.double("t.float64") == -2.5e300)
        #expect(try metadata.bool("t.bool.true"))
        #expect(try metadata.string("t.string") == "héllo 🦙\n")
        #expect(try metadata.stringArray("t.strings") == ["Ġ t", "", "<|im_start|>", "日本"])
        #expect(try metadata.int32Array("t.int32s") == [-1, 0, 1, Int32.max])
        #expect(try metadata.intArray("t.int32s") == [-1, 0, 1, Int(Int32.max)])
        #expect(try metadata.floatArray("t.float32s") == [0.5, -1, .infinity])
        #expect(try metadata.int("absent", default: 7) == 7)
        #expect(throws: GGUFError.missingKey(path: "m.gguf", key: "absent")) { try metadata.string("absent") }
        #expect(throws: GGUFError.wrongValueType(path: "m.gguf", key: "t.string", expected: "an integer", found: "string")) {
            try metadata.int("t.string")
        }
        #expect(throws: GGUFError.self) { try metadata.stringArray("t.int32s") }
        #expect(throws: GGUFError.self) { try metadata.int("t.uint64") }  // does not fit in Int
        #expect(throws: GGUFError.self) { try metadata.int32Array("t.strings") }
    }

    @Test("tensors keep name, shape, type and bytes, each aligned", arguments: [32, 64, 128])
    func tensors(alignment: Int) throws {
        let file = try GGUFFile(bytes: try TestSupport.smallFile(alignment: alignment))
        #expect(file.alignment == alignment)
        #expect(file.tensorNames == ["a", "b"])
        #expect(file.dataOffset % alignment == 0)
        let a = try file.tensor("a")
        #expect(a.shape == [4, 2] && a.type == .f32 && a.byteCount == 32 && a.rowCount == 2 && a.rowLength == 4)
        let b = try file.tensor("b")
        #expect(b.shape == [32, 2] && b.type == .q8_0 && b.byteCount == 68 && b.rowByteCount == 34)
        #expect(b.offset % alignment == 0 && b.offset >= a.byteCount)
        #expect(try file.dequantizedTensor("a") == (0 ..< 8).map(Float.init))
        let data = try file.tensorData("a")
        #expect(data.count == 32)
        #expect(data.loadUnaligned(fromByteOffset: 4 * 5, as: Float.self) == 5)
        #expect(try file.dequantizedRows("a", rows: 1 ..< 2) == [4, 5, 6, 7])
        #expect(throws: GGUFError.self) { try file.dequantizedRows("a", rows: 1 ..< 3) }
    }

    @Test("writing to disk and memory-mapping gives the same file")
    func diskRoundTrip() throws {
        let path = TestSupport.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = GGUFWriter()
        writer.setMetadata("general.architecture", .string("llama"))
        let values = (0 ..< 96).map { Float(($0 * 37) % 19) - 9 }
        try writer.addTensor(name: "w", shape: [32, 3], values: values, as: .q4_1)
        try writer.write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.path == path)
        #expect(file.fileSize == (try writer.serialize()).count)
        #expect(try file.metadata.string("general.architecture") == "llama")
        #expect(try file.withTensorData("w") { $0.count } == 60)
        #expect(try file.dequantizedTensor("w") == GGMLQuantization.dequantize(
            GGMLQuantization.quantize(values, to: .q4_1), type: .q4_1))
    }

    @Test("the writer rejects inconsistent tensors")
    func writerValidation() throws {
        var writer = GGUFWriter()
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "x", type: .f32, shape: [3], data: [0, 0, 0, 0]) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "x", type: .q8_0, shape: [16], data: []) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "x", shape: [4], values: [1, 2, 3]) }
        try writer.addTensor(name: "x", shape: [2], values: [1, 2])
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "x", shape: [2], values: [1, 2]) }
        writer.setMetadata("bad", .array(elementType: .int32, elements: [.string("no")]))
        #expect(throws: GGUFError.self) { try writer.serialize() }
    }
}

extension GGMLQuantization {
    /// Test convenience: dequantizes a whole byte array.
    static func dequantize(_ bytes: [UInt8], type: GGMLType) throws -> [Float] {
        let count = bytes.count / type.bytesPerBlock * type.blockSize
        return try bytes.withUnsafeBytes { try dequantize($0, type: type, count: count) }
    }
}
