import ModelFiles
import ServingCore
import Testing
import Transformer
@testable import ModelExecution

/// The CPU executor on the synthetic model: plans with swaps and sampling, and refused plans.
@Suite struct ExecutorTests {
    static let model = Result { try SyntheticLlama().model() }

    static func executor(blocks: Int = 16, hostBlocks: Int = 8) throws -> CPUModelExecutor {
        try CPUModelExecutor(model: model.get(), deviceBlockCount: blocks, blockSize: 4, hostBlockCount: hostBlocks, threads: 2)
    }

    static func prompt(_ count: Int, seed: Int) -> [TokenID] { (0..<count).map { TokenID(($0 * 29 + seed * 13 + 5) % 70) } }

    static func sequence(
        _ id: UInt64, _ tokens: [TokenID], start: Int, table: [Int], samples: Bool = true, sampling: SamplingParameters = .greedy
    ) -> ScheduledSequence {
        ScheduledSequence(
            requestID: RequestID(id), tokens: tokens, startPosition: start, blockTable: table.map { BlockID(index: $0) },
            samplesNextToken: samples, sampling: sampling)
    }

    @Test func swapsMoveAWholeSequence() throws {
        let prompt = Self.prompt(11, seed: 1)
        let plain = try Self.executor()
        let first = try plain.execute(BatchPlan(sequences: [Self.sequence(1, prompt, start: 0, table: [0, 1, 2])]))
        let token = try #require(first.sampledTokens.first?.token)
        let expected = try plain.execute(BatchPlan(sequences: [Self.sequence(1, [token], start: 11, table: [0, 1, 2])]))

        let swapping = try Self.executor()
        _ = try swapping.execute(BatchPlan(sequences: [Self.sequence(1, prompt, start: 0, table: [0, 1, 2])]))
        let out = (0..<3).map { BlockTransfer(device: BlockID(index: $0), host: HostSlotID(index: 5 - $0)) }
        let clobber = Self.sequence(2, Self.prompt(12, seed: 2), start: 0, table: [0, 1, 2], samples: false)
        let step = try swapping.execute(BatchPlan(sequences: [clobber], swapOut: out))
        #expect(step.sampledTokens.isEmpty && step.duration > .zero)
        let back = (0..<3).map { BlockTransfer(device: BlockID(index: 9 + $0), host: HostSlotID(index: 5 - $0)) }
        let resumed = try swapping.execute(BatchPlan(sequences: [Self.sequence(1, [token], start: 11, table: [9, 10, 11])], swapIn: back))
        #expect(resumed.sampledTokens == expected.sampledTokens)
        #expect(resumed.sampledTokens.first?.requestID == RequestID(1))
    }

    @Test func samplingFollowsTheRequestsParameters() throws {
        let executor = try Self.executor()
        let sampling = SamplingParameters(temperature: 1.5, topK: 20, seed: 99)
        let plan = BatchPlan(sequences: [
            Self.sequence(1, Self.prompt(5, seed: 3), start: 0, table: [0, 1]),
            Self.sequence(2, Self.prompt(5, seed: 3), start: 0, table: [2, 3], sampling: sampling),
            Self.sequence(3, Self.prompt(9, seed: 4), start: 0, table: [4, 5, 6], samples: false),
            Self.sequence(4, Self.prompt(5, seed: 3), start: 0, table: [7, 8], sampling: sampling),
        ])
        let output = try executor.execute(plan)
        #expect(output.sampledTokens.map(\.requestID) == [RequestID(1), RequestID(2), RequestID(4)])
        #expect(output.sampledTokens[1].token == output.sampledTokens[2].token)  // same (seed, position, logits)
    }

    @Test func refusedPlansThrowAndChangeNothing() throws {
        let good = Self.sequence(1, Self.prompt(6, seed: 5), start: 0, table: [0, 1])
        let reference = try Self.executor(blocks: 8, hostBlocks: 2)
        let token = try #require(try reference.execute(BatchPlan(sequences: [good])).sampledTokens.first?.token)
        let next = Self.sequence(1, [token], start: 6, table: [0, 1])
        let expected = try reference.execute(BatchPlan(sequences: [next])).sampledTokens

        let executor = try Self.executor(blocks: 8, hostBlocks: 2)
        _ = try executor.execute(BatchPlan(sequences: [good]))
        let intoBlockZero = [BlockTransfer(device: BlockID(index: 0), host: HostSlotID(index: 1))]
        let bad: [(BatchPlan, String)] = [
            (BatchPlan(swapOut: [BlockTransfer(device: BlockID(index: 8), host: HostSlotID(index: 0))], swapIn: intoBlockZero), "device block 8"),
            (BatchPlan(swapIn: intoBlockZero + [BlockTransfer(device: BlockID(index: 1), host: HostSlotID(index: 2))]), "host slot 2"),
            (BatchPlan(sequences: [Self.sequence(1, Self.prompt(9, seed: 5), start: 0, table: [0, 1])], swapIn: intoBlockZero), "2 blocks cannot hold 9"),
            (BatchPlan(sequences: [Self.sequence(1, [1], start: 300, table: Array(repeating: 0, count: 80))]), "outside the context of 256"),
            (BatchPlan(sequences: [Self.sequence(1, [1], start: 0, table: [-3])]), "block -3"),
            (BatchPlan(sequences: [Self.sequence(1, [], start: 0, table: [0])]), "no tokens"),
            (BatchPlan(sequences: [Self.sequence(1, [99], start: 0, table: [7])], swapIn: intoBlockZero), "token 99 outside the vocabulary"),
            (BatchPlan(sequences: [Self.sequence(1, [1], start: 0, table: [7], sampling: SamplingParameters(temperature: -1))], swapIn: intoBlockZero), "temperature"),
        ]
        for (plan, message) in bad {
            #expect(String(describing: Self.error(executor, plan)).contains(message), "expected an error mentioning \(message)")
        }
        // No swap-in of a refused plan touched block 0: decoding continues exactly.
        #expect(try executor.execute(BatchPlan(sequences: [next])).sampledTokens == expected)
    }

    static func error(_ executor: CPUModelExecutor, _ plan: BatchPlan) -> (any Error)? {
        do {
            _ = try executor.execute(plan)
            return nil
        } catch { return error }
    }

    @Test func badConfigurationThrows() throws {
        #expect(throws: ExecutorError.self) { try CPUModelExecutor(model: Self.model.get(), deviceBlockCount: 0) }
        #expect(throws: ExecutorError.self) { try CPUModelExecutor(model: Self.model.get(), deviceBlockCount: 4, threads: 0) }
    }
}
