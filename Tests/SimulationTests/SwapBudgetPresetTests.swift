import ServingCore
import Simulation
import Testing

/// Each hardware preset swaps within its own link's budget: what the host link moves during one
/// iteration of InferCept's 384-token chunk, or InferCept's published constants on GPT-J-6B / A100.
@Suite struct SwapBudgetPresetTests {
    static func hardware(_ name: String) throws -> SimulatedHardware { try #require(HardwarePreset.named(name)).derive() }

    @Test func gptjOnA100KeepsInferceptsPublishedFit() throws {
        let a100 = try Self.hardware("gptj-6b-a100")
        #expect(a100.swapBudget == SwapBudget(a: 0.00462, b: 109))
        #expect(a100.swapTokensPerIteration == 605)
    }

    /// RTX 4090: c = 17.5 ms, a = 91.7 µs/token → 52.7 ms at 384 tokens; 13 GB/s ÷ 458,752 B/token
    /// over that iteration ≈ 1,494 tokens.
    @Test func rtx4090DerivesItsBudgetFromItsOwnLink() throws {
        let rtx = try Self.hardware("gptj-6b-rtx4090")
        #expect(abs(rtx.swapTokensPerIteration - 1494) <= 2, "\(rtx.swapTokensPerIteration)")
        #expect(rtx.swapBudget != SwapBudget(), "not the A100 constants")
    }

    /// Every derived budget moves, at its chunk, exactly what the link carries in that iteration.
    @Test func derivedBudgetsFitOneIterationOfTheLink() throws {
        for preset in HardwarePreset.all where preset.publishedSwapBudget == nil {
            let hardware = preset.derive()
            let iteration = hardware.cost.chunkSeconds(tokenCount: 384)
            let linkTokens = iteration * hardware.cost.swapBytesPerSecond / Double(hardware.cost.kvBytesPerToken)
            #expect(abs(Double(hardware.swapTokensPerIteration) - linkTokens) <= 2, "\(preset.name): \(hardware.swapTokensPerIteration) vs \(linkTokens)")
        }
    }

    /// The engine each swapping policy runs with gets the hardware's budget, not the defaults.
    @Test func everySwappingPolicyUsesTheHardwaresBudget() throws {
        let rtx = try Self.hardware("gptj-6b-rtx4090")
        for kind in [PolicyKind.infercept, .augserve] {
            let settings = SimulationSettings(policy: PolicyConfiguration(kind: kind), hardware: rtx, window: .seconds(10))
            #expect(settings.engineConfiguration().policy.swapBudget == rtx.swapBudget, "\(kind)")
        }
    }

    /// A link too slow for one chunk gives `b = 0`; an absurd one stays within the validated bound.
    @Test func derivedBudgetStaysInRange() {
        let slow = IterationCostModel(
            fixed: .milliseconds(1), perToken: .nanoseconds(1), perContextToken: .zero, kvBytesPerToken: 1 << 20, swapBytesPerSecond: 1e6)
        #expect(SwapBudget.derived(from: slow, chunkTokenCount: 384).b == 0)
        let fast = IterationCostModel(
            fixed: .seconds(1e6), perToken: .nanoseconds(1), perContextToken: .zero, kvBytesPerToken: 1, swapBytesPerSecond: 1e15)
        let budget = SwapBudget.derived(from: fast, chunkTokenCount: 384)
        #expect(budget.b == SwapBudget.maxB)
        #expect(throws: Never.self) { try budget.validate() }
    }

    /// The executor prices every step with the same rule the policies' swap waste uses: swaps
    /// overlap compute, the step lasts the longer of the two.
    @Test func executorStepsFollowTheSharedSwapCostModel() throws {
        let cost = try Self.hardware("gptj-6b-rtx4090").cost
        var executor = SimulatedExecutor(cost: cost, deviceBlockCount: 400, blockSize: 16)
        let decode = ScheduledSequence(
            requestID: RequestID(1), tokens: [7], startPosition: 63, blockTable: (0..<4).map { BlockID(index: $0) }, samplesNextToken: true)
        let compute = cost.computeSeconds(batchTokenCount: 1, decodeContextTokenCount: 64, sampledSequenceCount: 1)
        var durations: [Duration] = []
        for blocks in [0, 10, 300] {
            let transfers = (0..<blocks).map { BlockTransfer(device: BlockID(index: 4 + $0), host: HostSlotID(index: $0)) }
            let step = executor.execute(BatchPlan(sequences: [decode], swapOut: transfers))
            #expect(step.duration == .seconds(cost.stepSeconds(computeSeconds: compute, swapTokenCount: blocks * 16)))
            durations.append(step.duration)
        }
        #expect(durations[0] == durations[1], "160 tokens hide behind the compute")
        #expect(durations[2] > durations[0], "4,800 tokens outlast it")
    }
}
