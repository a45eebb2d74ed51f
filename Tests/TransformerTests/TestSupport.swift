import Foundation
import ModelFiles
import Testing
@testable import Transformer

/// Shared helpers: the tiny synthetic model, runs over a fresh cache, comparisons, the installed
/// real model and its golden reference data.
enum TestSupport {
    static let pool = WorkerPool(threadCount: 2)

    /// The default tiny model (2 layers, width 128, 4 query / 2 KV heads of 32, vocabulary 70).
    static func tiny() throws -> LlamaModel { try tinyResult.get() }
    private static let tinyResult = Result { try SyntheticLlama().model() }

    /// A pass over a cache of `blocks` blocks of `blockSize` positions.
    static func pass(_ model: LlamaModel, blocks: Int = 64, blockSize: Int = 4, hostBlocks: Int = 0) throws -> ForwardPass {
        let h = model.hyperparameters
        let cache = try PagedKVCache(
            blockCount: blocks, blockSize: blockSize, layerCount: h.layerCount, kvHeadCount: h.kvHeadCount,
            headDimension: h.headDimension, hostBlockCount: hostBlocks)
        return try ForwardPass(model: model, cache: cache, pool: pool)
    }

    /// Every logit row of the pass's last run.
    static func rows(_ pass: ForwardPass) -> [[Float]] { (0..<pass.logitRowCount).map { pass.logits(row: $0) } }

    /// Largest absolute difference.
    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func maxDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { max($0, maxDifference($1.0, $1.1)) }
    }

    static func tokens(_ count: Int, seed: Int, vocabulary: Int = 70) -> [Int32] {
        (0..<count).map { Int32(($0 * 37 + seed * 11 + 3) % vocabulary) }
    }

    /// The installed default model, or nil when `scripts/setup.sh` has not been run.
    static let realModel: LlamaModel? = {
        let path = DefaultModel.path(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? LlamaModel(path: path)
    }()

    static let modelMissing: Comment = "model file absent: run `bash scripts/setup.sh` (installs ~/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf)"

    /// `golden.json` (copied from the model's reference files).
    static let golden: Golden? = {
        guard let url = Bundle.module.url(forResource: "golden", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(Golden.self, from: data)
    }()
}
