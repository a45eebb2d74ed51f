import Testing
import Workloads
@testable import ModelFiles

@Suite("Reference quantizers and exact dequantizers")
struct QuantizationTests {
    static func seededValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = SeededRandom(seed: seed)
        return (0 ..< count).map { _ in (Float(generator.next() % 20001) / 10000 - 1) * scale }
    }

    @Test("Q8_0 layout: f16 d = max|x|/127, then 32 signed bytes q = round(x/d)")
    func q8_0Layout() throws {
        let values = (0 ..< 32).map { Float($0) - 15.5 }  // max |x| = 15.5
        let bytes = try GGMLQuantization.quantize(values, to: .q8_0)
        #expect(bytes.count == 34)
        let scale = GGMLQuantization.float(fromHalfBits: UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
        #expect(scale == Float(Float16(Float(15.5) / 127)))
        #expect(Int8(bitPattern: bytes[2]) == -127)
        #expect(Int8(bitPattern: bytes[33]) == 127)
        #expect(Int8(bitPattern: bytes[17]) == Int8((-0.5 * 127 / 15.5 as Float).rounded()))
        let restored = try GGMLQuantization.dequantize(bytes, type: .q8_0)
        let tolerance: Float = 15.5 / 127 * 0.5 + 15.5 * 1e-3
        for (x, y) in zip(values, restored) { #expect(abs(x - y) <= tolerance) }
    }

    @Test("Q4_1 layout: element j in the low nibble of byte j, element j+16 in the high nibble")
    func q4_1Layout() throws {
        let values = (0 ..< 16).map(Float.init) + (0 ..< 16).map { Float(15 - $0) }
        let bytes = try GGMLQuantization.quantize(values, to: .q4_1)
        #expect(bytes.count == 20)
        #expect(Array(bytes[0 ..< 4]) == [0x00, 0x3C, 0x00, 0x00])  // d = 1.0, m = 0.0 as f16
        for j in 0 ..< 16 { #expect(bytes[4 + j] == UInt8(j) | UInt8(15 - j) << 4) }
        #expect(try GGMLQuantization.dequantize(bytes, type: .q4_1) == values)
    }

    @Test("Q4_0 layout: d = (value of largest magnitude) / -8, nibbles offset by 8")
    func q4_0Layout() throws {
        let values = (0 ..< 16).map { Float($0 - 8) } + (0 ..< 16).map { Float(7 - $0) }
        let bytes = try GGMLQuantization.quantize(values, to: .q4_0)
        #expect(bytes.count == 18)
        #expect(Array(bytes[0 ..< 2]) == [0x00, 0x3C])  // d = -8 / -8 = 1
        #expect(try GGMLQuantization.dequantize(bytes, type: .q4_0) == values)
    }

    @Test("quantization error stays within one step", arguments: [GGMLType.q8_0, .q4_0, .q4_1])
    func errorBound(type: GGMLType) throws {
        let values = Self.seededValues(32 * 64, seed: 7, scale: 3)
        let restored = try GGMLQuantization.dequantize(try GGMLQuantization.quantize(values, to: type), type: type)
        for block in stride(from: 0, to: values.count, by: 32) {
            let slice = values[block ..< block + 32]
            let magnitude = slice.map(abs).max() ?? 0
            let range = (slice.max() ?? 0) - (slice.min() ?? 0)
            let tolerance: Float = switch type {
            case .q8_0: magnitude / 127 * 0.5
            case .q4_0: magnitude / 8  // the side opposite the largest value clamps to 7d
            default: range / 15 * 0.5
            }
            for i in block ..< block + 32 {
                #expect(abs(values[i] - restored[i]) <= tolerance + magnitude * 2e-3)
            }
        }
    }

    @Test("F16, BF16 and F32 conversions")
    func floatFormats() throws {
        let values: [Float] = [0, -0, 1, -2.5, 65504, 1e-8, .infinity, 1.00390625]
        #expect(try GGMLQuantization.dequantize(try GGMLQuantization.quantize(values, to: .f32), type: .f32) == values)
        let half = try GGMLQuantization.dequantize(try GGMLQuantization.quantize(values, to: .f16), type: .f16)
        #expect(half == values.map { Float(Float16($0)) })
        let brain = try GGMLQuantization.dequantize(try GGMLQuantization.quantize(values, to: .bf16), type: .bf16)
        #expect(brain[2] == 1 && brain[3] == -2.5 && brain[6] == .infinity)
        #expect(brain[7] == 1)  // 1 + 2^-8 is halfway: rounds to even
        #expect(GGMLQuantization.float(fromBFloat16Bits: GGMLQuantization.bfloat16Bits(.nan)).isNaN)
    }

    @Test("bad inputs are errors")
    func badInputs() throws {
        #expect(throws: GGUFError.self) { try GGMLQuantization.quantize([1, 2, 3], to: .q8_0) }
        #expect(throws: GGUFError.self) { try GGMLQuantization.quantize([Float](repeating: .nan, count: 32), to: .q4_1) }
        #expect(throws: GGUFError.self) { try GGMLQuantization.quantize([Float](repeating: 0, count: 256), to: .q4_K) }
        #expect(throws: GGUFError.self) { try GGMLQuantization.dequantize([UInt8](repeating: 0, count: 144), type: .q4_K) }
        #expect(throws: GGUFError.self) {
            try [UInt8](repeating: 0, count: 33).withUnsafeBytes { try GGMLQuantization.dequantize($0, type: .q8_0, count: 32) }
        }
    }

    @Test("block sizes of the common types")
    func blockSizes() {
        let expected: [(GGMLType, Int, Int)] = [
            (.f32, 1, 4), (.f16, 1, 2), (.bf16, 1, 2), (.q4_0, 32, 18), (.q4_1, 32, 20), (.q5_0, 32, 22),
            (.q5_1, 32, 24), (.q8_0, 32, 34), (.q8_1, 32, 36), (.q4_K, 256, 144), (.q6_K, 256, 210),
        ]
        for (type, block, bytes) in expected {
            #expect(type.blockSize == block && type.bytesPerBlock == bytes, "\(type)")
        }
        #expect(GGMLType(rawValue: 4) == nil)
        #expect(GGMLType.q8_0.byteCount(forElements: 64) == 68)
        #expect(GGMLType.q8_0.byteCount(forElements: 40) == nil)
    }
}
