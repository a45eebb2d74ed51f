import Foundation
import Testing
@testable import Transformer

/// The real SmolLM2-135M-Instruct file against `golden.json` (fp32 reference on exactly
/// dequantized weights). This pass dequantizes exactly and computes in f32, so the fp32
/// tolerances apply: logits within 1e-2, mean and std within 1e-3, argmax everywhere, all greedy
/// ids. Skipped with a note when the model is not installed.
@Suite(.enabled(if: TestSupport.realModel != nil, TestSupport.modelMissing))
struct GoldenModelTests {
    static let golden = TestSupport.golden

    static func run(_ model: LlamaModel, _ batch: [BatchSequence], blocks: Int = 64) throws -> ForwardPass {
        let pass = try TestSupport.pass(model, blocks: blocks, blockSize: 16)
        try pass.run(batch)
        return pass
    }

    static func statistics(_ logits: [Float]) -> (mean: Double, std: Double) {
        let mean = logits.reduce(0.0) { $0 + Double($1) } / Double(logits.count)
        let variance = logits.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(logits.count)
        return (mean, variance.squareRoot())
    }

    @Test("last-position logits of the logits cases", arguments: golden?.logitsCases ?? [])
    func lastPositionLogits(_ reference: Golden.LogitsCase) throws {
        let model = try #require(TestSupport.realModel)
        let pass = try Self.run(model, [BatchSequence(tokens: reference.ids, startPosition: 0, blockTable: (0..<64).map(Int32.init))])
        let logits = pass.logits(row: 0)
        let last = reference.lastPosition
        #expect(Sampler.argmax(logits) == last.argmax)
        for entry in last.top20 { #expect(abs(Double(logits[Int(entry[0])]) - entry[1]) < 1e-2, "token \(Int(entry[0]))") }
        for (token, value) in last.fixedTokenValues {
            #expect(abs(Double(logits[Int(token) ?? 0]) - value) < 1e-2, "token \(token)")
        }
        let (mean, std) = Self.statistics(logits)
        #expect(abs(mean - last.mean) < 1e-3 && abs(std - last.std) < 1e-3)
    }

    /// Every position of the 63-token conversation in one pass: causal masking and positions.
    @Test func everyPositionOfTheConversation() throws {
        let model = try #require(TestSupport.realModel)
        let reference = try #require(Self.golden?.perPositionCase)
        let pass = try Self.run(model, [BatchSequence(tokens: reference.ids, startPosition: 0, blockTable: (0..<64).map(Int32.init), logits: .all)])
        #expect(pass.logitRowCount == reference.ids.count)
        for position in reference.positions {
            let logits = pass.logits(row: position.pos)
            let top = Int(position.top5[0][0]), second = Int(position.top5[1][0])
            let accepted = position.top1MinusTop2 < 2e-2 ? [top, second] : [top]
            #expect(accepted.contains(Sampler.argmax(logits)), "position \(position.pos)")
            for entry in position.top5 {
                #expect(abs(Double(logits[Int(entry[0])]) - entry[1]) < 1e-2, "position \(position.pos) token \(Int(entry[0]))")
            }
        }
    }

    /// All 32 greedy tokens of each case (generation does not stop at EOS), through the same
    /// incremental path `augserve generate` uses.
    @Test("greedy continuations", arguments: golden?.greedyCases ?? [])
    func greedy(_ reference: Golden.GreedyCase) throws {
        let model = try #require(TestSupport.realModel)
        var stream = try TokenStream(model: model, promptIDs: reference.promptIds, maxTokens: reference.generatedIds.count, pool: WorkerPool(threadCount: 2))
        var generated: [Int32] = []
        while let token = try stream.next(.greedy) { generated.append(token) }
        #expect(generated == reference.generatedIds)
        if reference.name == "chatml_capital" {
            #expect(reference.generatedText.hasPrefix("The capital of France is Paris."))
        }
    }

    /// A (5 tokens) and B (24 tokens) together: B prefilled in two chunks, A decoding while B's
    /// second chunk runs, blocks scattered; every logit row equals the run alone within 1e-4.
    @Test func batchingCase() throws {
        let model = try #require(TestSupport.realModel)
        let reference = try #require(Self.golden?.batchingCase)
        let a = reference.a.ids, b = reference.b.ids
        let aloneA = try Self.run(model, [BatchSequence(tokens: a, startPosition: 0, blockTable: [0])]).logits(row: 0)
        let aloneB = try Self.run(model, [BatchSequence(tokens: b, startPosition: 0, blockTable: [0, 1])]).logits(row: 0)
        for (alone, prompt) in [(aloneA, reference.a), (aloneB, reference.b)] {
            #expect(Sampler.argmax(alone) == prompt.argmax)
            for entry in prompt.lastPositionTop5 { #expect(abs(Double(alone[Int(entry[0])]) - entry[1]) < 1e-2) }
            let (mean, std) = Self.statistics(alone)
            #expect(abs(mean - prompt.mean) < 1e-3 && abs(std - prompt.std) < 1e-3)
        }
        let next = Int32(reference.a.argmax)
        let decodeAlone = try Self.run(model, [BatchSequence(tokens: a + [next], startPosition: 0, blockTable: [0])]).logits(row: 0)
        let tableA: [Int32] = [5], tableB: [Int32] = [2, 7]
        let pass = try TestSupport.pass(model, blocks: 8, blockSize: 16)
        try pass.run([
            BatchSequence(tokens: Array(b[..<10]), startPosition: 0, blockTable: tableB, logits: .none),
            BatchSequence(tokens: a, startPosition: 0, blockTable: tableA),
        ])
        #expect(TestSupport.maxDifference(pass.logits(row: 0), aloneA) < 1e-4)
        try pass.run([
            BatchSequence(tokens: [next], startPosition: a.count, blockTable: tableA),
            BatchSequence(tokens: Array(b[10...]), startPosition: 10, blockTable: tableB),
        ])
        #expect(TestSupport.maxDifference(pass.logits(row: 0), decodeAlone) < 1e-4)
        #expect(TestSupport.maxDifference(pass.logits(row: 1), aloneB) < 1e-4)
    }
}
