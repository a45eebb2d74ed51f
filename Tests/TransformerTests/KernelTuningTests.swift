import Testing
@testable import Transformer

struct KernelTuningTests {
    typealias Point = KernelTuning.Point

    @Test func theLimitIsTheLastWidthOfTheVectorPathsWinningPrefix() {
        let points = [
            Point(width: 2, vector: 1, rowTiles: 5), Point(width: 3, vector: 2, rowTiles: 5), Point(width: 4, vector: 3, rowTiles: 5),
            Point(width: 5, vector: 6, rowTiles: 5),
            // A later win after a loss is noise, not a second crossover.
            Point(width: 6, vector: 4, rowTiles: 5),
        ]
        #expect(KernelTuning.limit(points) == 4)
        #expect(KernelTuning.limit(points.reversed()) == 4)
        #expect(KernelTuning(points: points).vectorRowLimit == 4)
    }

    @Test func aVectorPathSlowerEverywhereGivesOneBelowTheFirstWidthAndNeverZero() {
        #expect(KernelTuning.limit([Point(width: 3, vector: 9, rowTiles: 5)]) == 2)
        #expect(KernelTuning.limit([Point(width: 1, vector: 9, rowTiles: 5)]) == 1)
        #expect(KernelTuning.limit([]) == 1)
        #expect(KernelTuning.limit([Point(width: 2, vector: 1, rowTiles: 5), Point(width: 10, vector: 1, rowTiles: 5)]) == 10)
    }

    @Test func tokenTilesStartWhereTheyWinAtEveryLargerWidth() {
        typealias Prefill = KernelTuning.PrefillPoint
        let points = [
            Prefill(width: 128, rowTiles: 1, tokenTiles: 2), Prefill(width: 256, rowTiles: 3, tokenTiles: 2),
            Prefill(width: 512, rowTiles: 6, tokenTiles: 4),
        ]
        #expect(KernelTuning.tokenTileRows(points) == 256)
        #expect(KernelTuning.tokenTileRows([Prefill(width: 128, rowTiles: 1, tokenTiles: 0.5), Prefill(width: 256, rowTiles: 1, tokenTiles: 2)]) == 257)
        #expect(KernelTuning.tokenTileRows([]) == nil)
        #expect(KernelTuning(points: [], prefillPoints: points).tokenTileRows == 256)
    }

    @Test func tuningSetsThePassesLimitAndKeepsItsResults() throws {
        let tokens = TestSupport.tokens(6, seed: 3)
        func logits(_ pass: ForwardPass) throws -> [[Float]] {
            let batch = tokens.enumerated().map { index, token in
                BatchSequence(tokens: [token], startPosition: 0, blockTable: [Int32(index)], logits: .last)
            }
            try pass.run(batch)
            return TestSupport.rows(pass)
        }
        let pass = try TestSupport.pass(TestSupport.tiny())
        pass.vectorRowLimit = 0
        let before = try logits(pass)
        let tuning = pass.tuneKernels(decodeWidths: 2...8, prefillWidths: [16, 32], repetitions: 1)
        #expect(tuning.points.map(\.width) == Array(2...8))
        #expect(tuning.points.allSatisfy { $0.vector > 0 && $0.rowTiles > 0 })
        #expect(pass.vectorRowLimit == tuning.vectorRowLimit)
        #expect((1...8).contains(pass.vectorRowLimit))
        #expect(tuning.prefillPoints.map(\.width) == [16, 32])
        #expect(pass.tokenTileRows == tuning.tokenTileRows)
        #expect([16, 32, 33].contains(pass.tokenTileRows))
        pass.vectorRowLimit = 1000
        #expect(TestSupport.maxDifference(try logits(pass), before) < 1e-3)
        #expect(tuning.description.contains("up to \(tuning.vectorRowLimit) sequences"))
    }
}
