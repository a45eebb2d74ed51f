import ModelFiles
import Testing
@testable import Transformer

/// Bad batches and broken model files give typed errors naming what is wrong, never a crash.
@Suite struct ErrorTests {
    static func batchError(_ batch: [BatchSequence]) throws -> TransformerError? {
        let pass = try TestSupport.pass(TestSupport.tiny(), blocks: 8, blockSize: 4)
        do {
            try pass.run(batch)
            return nil
        } catch { return error }
    }

    @Test func badBatchesThrow() throws {
        let table: [Int32] = [0, 1, 2]
        let cases: [(BatchSequence, String)] = [
            (BatchSequence(tokens: [1, 2, 3, 4, 5], startPosition: 0, blockTable: [0, 9]), "block 9 outside the pool of 8"),
            (BatchSequence(tokens: [1, 2], startPosition: 0, blockTable: [-1]), "block -1 outside the pool"),
            (BatchSequence(tokens: Array(repeating: 1, count: 13), startPosition: 0, blockTable: table), "3 blocks cannot hold 13 positions"),
            (BatchSequence(tokens: [1], startPosition: 256, blockTable: Array(repeating: 0, count: 65)), "outside the context of 256"),
            (BatchSequence(tokens: [1], startPosition: -1, blockTable: table), "positions -1..<0"),
            (BatchSequence(tokens: [70], startPosition: 0, blockTable: table), "token 70 outside the vocabulary of 70"),
            (BatchSequence(tokens: [], startPosition: 0, blockTable: table), "no tokens"),
        ]
        for (sequence, message) in cases {
            let error = try Self.batchError([BatchSequence(tokens: [1], startPosition: 0, blockTable: [7]), sequence])
            #expect(error?.description.contains("sequence 1") == true, "no error for: \(message)")
            #expect(error?.description.contains(message) == true, "\(String(describing: error)) should mention \(message)")
        }
    }

    @Test func badCacheAndSwapSlotsThrow() throws {
        let h = try TestSupport.tiny().hyperparameters
        #expect(throws: TransformerError.self) {
            try PagedKVCache(blockCount: 0, blockSize: 4, layerCount: h.layerCount, kvHeadCount: h.kvHeadCount, headDimension: h.headDimension)
        }
        let cache = try PagedKVCache(blockCount: 4, blockSize: 4, layerCount: h.layerCount, kvHeadCount: h.kvHeadCount, headDimension: h.headDimension, hostBlockCount: 2)
        #expect(throws: TransformerError.hostSlotOutOfRange(slot: 2, slotCount: 2)) { try cache.copyToHost(block: 0, slot: 2) }
        #expect(throws: TransformerError.blockOutOfRange(block: 4, blockCount: 4)) { try cache.copyFromHost(slot: 0, block: 4) }
        let other = try PagedKVCache(blockCount: 4, blockSize: 4, layerCount: h.layerCount + 1, kvHeadCount: h.kvHeadCount, headDimension: h.headDimension)
        #expect(throws: TransformerError.self) { try ForwardPass(model: TestSupport.tiny(), cache: other, pool: TestSupport.pool) }
    }

    static func loadError(_ change: (inout SyntheticLlama) -> Void) -> String {
        var synthetic = SyntheticLlama()
        change(&synthetic)
        do {
            _ = try synthetic.model()
            return "loaded"
        } catch { return "\(error)" }
    }

    @Test func brokenFilesGiveClearErrors() {
        #expect(Self.loadError { $0.omittedTensors = ["blk.1.ffn_up.weight"] }.contains("blk.1.ffn_up.weight"))
        #expect(Self.loadError { $0.omittedTensors = ["output_norm.weight"] }.contains("output_norm.weight"))
        let shape = Self.loadError { $0.shapeOverrides = ["blk.0.attn_k.weight": [128, 32]] }
        #expect(shape.contains("blk.0.attn_k.weight") && shape.contains("[128, 32]") && shape.contains("[128, 64]"), "\(shape)")
        let norm = Self.loadError { $0.shapeOverrides = ["blk.0.ffn_norm.weight": [96]] }
        #expect(norm.contains("blk.0.ffn_norm.weight"), "\(norm)")
        let type = Self.loadError { $0.linearType = .q4_0 }
        #expect(type.contains("blk.0.attn_q.weight") && type.contains("supported"), "\(type)")
        #expect(Self.loadError { $0.architecture = "gpt2" }.contains("unsupported model architecture 'gpt2'"))
        #expect(Self.loadError { $0.headCount = 3 }.contains("hyperparameter"))
        #expect(Self.loadError { $0.kvHeadCount = 3 }.contains("head_count_kv"))
    }

    @Test func missingFileIsAFileError() {
        #expect(throws: TransformerError.self) { try LlamaModel(path: "/nonexistent/model.gguf") }
    }
}
