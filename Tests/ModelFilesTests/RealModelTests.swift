import Testing
@testable import ModelFiles

/// Checks against `golden.json` → `dequant_checks` (reference: gguf-py's dequantizer), run on the
/// real SmolLM2-135M-Instruct Q4_1 file that `scripts/setup.sh` installs. Skipped, with a note,
/// only when the file is absent; CI installs it.
@Suite(
    "The real SmolLM2 model file",
    .enabled(if: TestSupport.installedModelPath != nil,
             "model file absent: run `bash scripts/setup.sh` to install ~/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf")
)
struct RealModelTests {
    struct DequantCheck: Sendable, CustomTestStringConvertible {
        var tensor: String
        var rowsColumns: [Int]
        var row0First8: [Double]
        var row0Sum: Double
        var totalSum: Double
        var totalAbsSum: Double
        var testDescription: String { tensor }
    }

    /// Copied from golden.json → dequant_checks.
    static let checks: [DequantCheck] = [
        DequantCheck(
            tensor: "token_embd.weight", rowsColumns: [49152, 576],
            row0First8: [-0.1065445, 0.0329781, 0.0481987, -0.022831, -0.0684929, -0.0456619, 0.0202942, -0.1217651],
            row0Sum: -2.25411, totalSum: -15353.0445, totalAbsSum: 2802153.62),
        DequantCheck(
            tensor: "blk.0.attn_q.weight", rowsColumns: [576, 576],
            row0First8: [-0.0963135, 0.1573486, -0.0963135, -0.7304688, 1.1719971, -0.0963135, 0.0305176, 0.6646729],
            row0Sum: 1.00726, totalSum: 59.2232, totalAbsSum: 63395.399),
        DequantCheck(
            tensor: "blk.0.ffn_down.weight", rowsColumns: [576, 1536],
            row0First8: [-0.3308105, 0.3460693, 0.0753174, -0.4661865, -0.0600586, -0.3308105, 0.0753174, 0.2106934],
            row0Sum: -17.09, totalSum: 150.6358, totalAbsSum: 128458.063),
        DequantCheck(
            tensor: "blk.29.attn_k.weight", rowsColumns: [192, 576],
            row0First8: [0.0624084, 0.0043335, 0.033371, 0.0188522, 0.0043335, -0.1118164, -0.0537415, -0.024704],
            row0Sum: -1.04125, totalSum: 87.8924, totalAbsSum: 11157.163),
        DequantCheck(
            tensor: "output_norm.weight", rowsColumns: [576],
            row0First8: [1.7578125, 1.8203125, 1.78125, 1.6015625, 1.7421875, 1.71875, 1.828125, 1.75],
            row0Sum: 1038.33203, totalSum: 1038.332, totalAbsSum: 1045.098),
    ]

    static func open() throws -> GGUFFile {
        try GGUFFile(path: try #require(TestSupport.installedModelPath))
    }

    @Test("dequantized values match the reference", arguments: checks)
    func dequantization(check: DequantCheck) throws {
        let file = try Self.open()
        let info = try file.tensor(check.tensor)
        #expect(check.rowsColumns == (info.shape.count == 1 ? [info.rowLength] : [info.rowCount, info.rowLength]))
        let row0 = try file.dequantizedRows(check.tensor, rows: 0 ..< 1)
        for (value, expected) in zip(row0.prefix(8), check.row0First8) {
            #expect(abs(Double(value) - expected) < 1e-6, "\(value) vs \(expected)")
        }
        #expect(abs(row0.reduce(0.0) { $0 + Double($1) } - check.row0Sum) < 1e-4)
        var sum = 0.0
        var absoluteSum = 0.0
        for start in stride(from: 0, to: info.rowCount, by: 1024) {
            for value in try file.dequantizedRows(check.tensor, rows: start ..< min(start + 1024, info.rowCount)) {
                sum += Double(value)
                absoluteSum += Double(abs(value))
            }
        }
        #expect(abs(sum - check.totalSum) < 1e-2, "total sum \(sum)")
        // The reference prints 3 to 5 decimals; allow that rounding (sums are in Double, so exact otherwise).
        #expect(abs(absoluteSum - check.totalAbsSum) < max(1e-2, 1e-7 * check.totalAbsSum), "abs sum \(absoluteSum)")
    }

    @Test("the Q8_0 quantizer reproduces the file's embedding bytes from their dequantized values")
    func q8_0MatchesGGML() throws {
        let file = try Self.open()
        let info = try file.tensor("token_embd.weight")
        let rows = 0 ..< 64
        let values = try file.dequantizedRows("token_embd.weight", rows: rows)
        let original = Array(try file.tensorData("token_embd.weight").prefix(rows.count * info.rowByteCount))
        #expect(try GGMLQuantization.quantize(values, to: .q8_0) == original)
    }

    @Test("header, metadata and tensor directory")
    func directory() throws {
        let file = try Self.open()
        #expect(file.version == 3 && file.alignment == 32)
        #expect(file.tensors.count == 272)
        #expect(try file.metadata.string("general.architecture") == "llama")
        #expect(try file.metadata.int("llama.block_count") == 30)
        #expect(try file.metadata.float("llama.rope.freq_base") == 100000)
        #expect(try file.metadata.stringArray("tokenizer.ggml.tokens").count == 49152)
        #expect(try file.metadata.stringArray("tokenizer.ggml.merges").count == 48900)
        let embedding = try file.tensor("token_embd.weight")
        #expect(embedding.type == .q8_0 && embedding.shape == [576, 49152])
        #expect(try file.tensor("blk.0.ffn_down.weight").shape == [1536, 576])
        #expect(try file.tensor("blk.0.ffn_gate.weight").type == .q4_1)
        #expect(Set(file.tensors.values.map(\.type)) == [.f32, .q8_0, .q4_1])
        #expect(file.tensors["output.weight"] == nil)
    }
}
