import ModelFiles
import Testing
@testable import Transformer

/// Structural tests on the seeded synthetic model: every product and attention mode against a
/// naive reference, paging, chunking, batching and swapping against runs alone.
@Suite struct TinyModelTests {
    /// Settings that force each product mode and each attention mode.
    struct Modes: CustomTestStringConvertible, Sendable {
        var name: String
        var vectorRowLimit: Int
        var tokenTileRows: Int
        var attentionGemmRows: Int
        var testDescription: String { name }

        func apply(_ pass: ForwardPass) {
            pass.vectorRowLimit = vectorRowLimit
            pass.tokenTileRows = tokenTileRows
            pass.attentionGemmRows = attentionGemmRows
        }

        static let all = [
            Modes(name: "vector kernels, attention row by row", vectorRowLimit: 1000, tokenTileRows: 1000, attentionGemmRows: 1000),
            Modes(name: "row tiles + tile kernel, tiled attention", vectorRowLimit: 0, tokenTileRows: 1000, attentionGemmRows: 1),
            Modes(name: "token tiles + sgemm, tiled attention", vectorRowLimit: 0, tokenTileRows: 1, attentionGemmRows: 1),
        ]
    }

    /// 70 positions: more than one attention tile of 64 rows.
    static let referenceTokens = TestSupport.tokens(70, seed: 1)
    static let referenceLogits = Result {
        let synthetic = SyntheticLlama()
        return try ReferenceModel(file: synthetic.file(), hyper: TestSupport.tiny().hyperparameters).logits(referenceTokens)
    }

    @Test("every position matches the naive reference", arguments: Modes.all)
    func matchesReference(_ modes: Modes) throws {
        let pass = try TestSupport.pass(TestSupport.tiny())
        modes.apply(pass)
        try pass.run([BatchSequence(tokens: Self.referenceTokens, startPosition: 0, blockTable: (0..<64).map(Int32.init), logits: .all)])
        #expect(TestSupport.maxDifference(TestSupport.rows(pass), try Self.referenceLogits.get()) < 1e-3)
    }

    /// Fewer tokens than `TileKernel.minimumTokens`: row tiles go through sgemm.
    @Test("short batches on row tiles (sgemm) match the reference")
    func shortRowTiles() throws {
        let tokens = Array(Self.referenceTokens.prefix(TileKernel.minimumTokens - 2))
        let pass = try TestSupport.pass(TestSupport.tiny())
        Modes.all[1].apply(pass)
        try pass.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: (0..<64).map(Int32.init), logits: .all)])
        let expected = try Self.referenceLogits.get().prefix(tokens.count)
        #expect(TestSupport.maxDifference(TestSupport.rows(pass), Array(expected)) < 1e-3)
    }

    @Test("untied F16 LM head and F32/F16 linear weights match the reference", arguments: [GGMLType.f32, .f16])
    func otherTypes(_ linear: GGMLType) throws {
        var synthetic = SyntheticLlama()
        synthetic.linearType = linear
        synthetic.outputType = .f16
        synthetic.vocabularySize = 66
        let model = try synthetic.model()
        #expect(model.outputHead.name == "output.weight")
        let reference = try ReferenceModel(file: synthetic.file(), hyper: model.hyperparameters)
        let tokens = TestSupport.tokens(9, seed: 2, vocabulary: 66)
        let pass = try TestSupport.pass(model)
        try pass.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: (0..<64).map(Int32.init), logits: .all)])
        #expect(TestSupport.maxDifference(TestSupport.rows(pass), reference.logits(tokens)) < 1e-3)
    }

    @Test("scattered blocks give the same logits as contiguous ones")
    func pagedEqualsContiguous() throws {
        let model = try TestSupport.tiny()
        let tokens = TestSupport.tokens(40, seed: 3)
        let contiguous = try TestSupport.pass(model)
        try contiguous.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: (0..<10).map(Int32.init), logits: .all)])
        let scattered = try TestSupport.pass(model)
        let table: [Int32] = [37, 2, 63, 18, 5, 44, 29, 11, 50, 0]
        try scattered.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: table, logits: .all)])
        #expect(TestSupport.rows(contiguous) == TestSupport.rows(scattered))
    }

    @Test("chunked prefill and then decoding equal a one-shot prefill", arguments: [1, 3, 7, 16])
    func chunkedPrefill(chunk: Int) throws {
        let model = try TestSupport.tiny()
        let tokens = TestSupport.tokens(33, seed: 4)
        let table = (0..<16).map { Int32(63 - $0 * 3) }
        let oneShot = try TestSupport.pass(model)
        try oneShot.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: table, logits: .all)])
        let expected = TestSupport.rows(oneShot)
        let chunked = try TestSupport.pass(model)
        for start in stride(from: 0, to: tokens.count, by: chunk) {
            let end = min(tokens.count, start + chunk)
            try chunked.run([BatchSequence(tokens: Array(tokens[start..<end]), startPosition: start, blockTable: table, logits: .all)])
            #expect(TestSupport.maxDifference(TestSupport.rows(chunked), Array(expected[start..<end])) < 1e-4)
        }
    }

    @Test("batch equivalence: sequences run alone hold the logits the mixed batch must reproduce")
    func mixedBatchEqualsAlone() throws {
        let model = try TestSupport.tiny()
        let prompts = [TestSupport.tokens(23, seed: 5), TestSupport.tokens(7, seed: 6), TestSupport.tokens(41, seed: 7)]
        let alone = try prompts.map { prompt -> [[Float]] in
            let pass = try TestSupport.pass(model)
            try pass.run([BatchSequence(tokens: prompt, startPosition: 0, blockTable: (0..<16).map(Int32.init), logits: .all)])
            return TestSupport.rows(pass)
        }
        // Scattered, interleaved tables; sequence 2 prefills in chunks while 0 and 1 decode.
        let tables: [[Int32]] = (0..<3).map { s in (0..<16).map { Int32(($0 * 3 + s) * 7 % 48) } }
        let pass = try TestSupport.pass(model, blocks: 48)
        var done = [0, 0, 0]
        let schedule: [[(Int, Int)]] = [[(0, 20), (1, 5)], [(0, 1), (1, 1), (2, 16)], [(2, 16), (0, 1)], [(1, 1), (2, 9), (0, 1)]]
        for step in schedule {
            var batch: [BatchSequence] = []
            var expected: [[Float]] = []
            for (sequence, requested) in step {
                let count = max(1, min(requested, prompts[sequence].count - done[sequence]))
                let range = done[sequence]..<done[sequence] + count
                batch.append(BatchSequence(tokens: Array(prompts[sequence][range]), startPosition: range.lowerBound, blockTable: tables[sequence], logits: .last))
                expected.append(alone[sequence][range.upperBound - 1])
                done[sequence] += count
            }
            try pass.run(batch)
            #expect(TestSupport.maxDifference(TestSupport.rows(pass), expected) < 1e-4)
        }
        #expect(done == [23, 7, 41])
    }

    @Test("swap out, clobber, swap in: decoding continues as if nothing happened")
    func swapRoundTrip() throws {
        let model = try TestSupport.tiny()
        let tokens = TestSupport.tokens(21, seed: 8)
        let table: [Int32] = [3, 9, 1, 6, 4, 0]
        let reference = try TestSupport.pass(model, blocks: 12)
        try reference.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: table, logits: .last)])
        try reference.run([BatchSequence(tokens: [5], startPosition: 21, blockTable: table, logits: .last)])
        let pass = try TestSupport.pass(model, blocks: 12, hostBlocks: 8)
        try pass.run([BatchSequence(tokens: tokens, startPosition: 0, blockTable: table, logits: .last)])
        for (slot, block) in table.prefix(6).enumerated() { try pass.cache.copyToHost(block: Int(block), slot: slot) }
        // Another sequence overwrites every block of the pool.
        try pass.run([BatchSequence(tokens: TestSupport.tokens(48, seed: 9), startPosition: 0, blockTable: (0..<12).map(Int32.init), logits: .none)])
        let moved: [Int32] = [10, 2, 11, 7, 8, 5]
        for (slot, block) in moved.enumerated() { try pass.cache.copyFromHost(slot: slot, block: Int(block)) }
        try pass.run([BatchSequence(tokens: [5], startPosition: 21, blockTable: moved, logits: .last)])
        #expect(pass.logits(row: 0) == reference.logits(row: 0))
    }
}
