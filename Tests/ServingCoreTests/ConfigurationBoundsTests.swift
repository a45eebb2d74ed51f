@testable import ServingCore
import Testing

/// Values that used to trap inside the core (Int32 block ids, Double-to-Int conversions, Int
/// overflow in budget arithmetic) are refused by validation, naming the field.
@Suite struct ConfigurationBoundsTests {
    /// The field a validation names (nil if it passed; "?" for another error).
    static func field(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch { return (error as? ConfigurationError)?.field ?? "?" }
    }

    @Test func blockCountsPastInt32AreRefused() {
        let past = Int(Int32.max) + 1
        #expect(Self.field { try CacheConfiguration(deviceBlockCount: past).validate() } == "cache.deviceBlockCount")
        #expect(Self.field { try CacheConfiguration(deviceBlockCount: .max).validate() } == "cache.deviceBlockCount")
        #expect(Self.field { try CacheConfiguration(deviceBlockCount: 64, hostBlockCount: past).validate() } == "cache.hostBlockCount")
        #expect(Self.field { try CacheConfiguration(deviceBlockCount: Int(Int32.max), hostBlockCount: Int(Int32.max)).validate() } == nil)
        #expect(BlockPool.maxBlockCount == Int(Int32.max) && HostSwapSpace.maxSlotCount == Int(Int32.max))
    }

    static func configuration(
        budget: Int = 2048, chunk: Int = 384, swapB: Double = 109, _ change: (inout AugServeParameters) -> Void = { _ in }
    ) -> EngineConfiguration {
        var augserve = AugServeParameters()
        change(&augserve)
        return EngineConfiguration(
            policy: PolicyConfiguration(kind: .augserve, swapBudget: SwapBudget(b: swapB), interceptChunkTokenCount: chunk, augserve: augserve),
            cache: CacheConfiguration(deviceBlockCount: 256), limits: SchedulerLimits(maxBatchedTokenCount: budget),
            cost: CoreHarness.defaultCost)
    }

    @Test func hugeBudgetsAndLookaheadsAreRefused() {
        #expect(Self.field { try Self.configuration(budget: .max).validate() } == "scheduler.maxBatchedTokenCount")
        #expect(Self.field { try Self.configuration(budget: SchedulerLimits.maxTokenBudget).validate() } == nil)
        #expect(Self.field { try Self.configuration { $0.minBudget = .max }.validate() } == "augserve.minBudget")
        #expect(Self.field { try Self.configuration { $0.decodeLookahead = .max }.validate() } == "augserve.decodeLookahead")
        #expect(Self.field { try Self.configuration(chunk: .max).validate() } == "policy.interceptChunkTokenCount")
        #expect(Self.field { try Self.configuration(swapB: 1e300).validate() } == "swapBudget.b")
        #expect(Self.field { try Self.configuration(swapB: .nan).validate() } == "swapBudget.b")
        #expect(throws: ConfigurationError.self) { try EngineCore(configuration: Self.configuration { $0.minBudget = .max }) }
    }

    /// The dynamic budget's ceiling `room / a` with a tiny `a` (a fast accelerator, or a live fit)
    /// and a loose objective is far beyond `Int`; it is capped instead of trapping, and a negative
    /// room (a huge decode context) gives `Bmin`.
    @Test func budgetCeilingNeverTraps() {
        var cost = CoreHarness.defaultCost
        cost.perToken = .nanoseconds(1) / 1_000_000_000  // one attosecond
        let budget = DynamicTokenBudget(parameters: AugServeParameters(), cost: cost, normalizedLatencyObjective: .seconds(1e12))
        #expect(budget.maxBudget(decodeContextTokens: 0) == SchedulerLimits.maxTokenBudget)
        let tight = DynamicTokenBudget(parameters: AugServeParameters(), cost: cost, normalizedLatencyObjective: .milliseconds(1))
        #expect(tight.maxBudget(decodeContextTokens: 1 << 40) == AugServeParameters().minBudget)
    }

    /// The largest accepted budget with the whole budget guaranteed to starving requests: the
    /// share and triage arithmetic stay in range.
    @Test func largestBudgetRunsARound() throws {
        var parameters = AugServeParameters()
        parameters.usesDynamicBudget = false
        parameters.starvingShare = 1
        parameters.starvationAfter = .milliseconds(1)
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 64, blockSize: 4, budget: SchedulerLimits.maxTokenBudget, maxContext: 128, augserve: parameters)
        try harness.submit(prompt: 20, segments: [.init(decodeTokenCount: 3)])
        harness.now = .milliseconds(5)
        try harness.submit(prompt: 20, segments: [.init(decodeTokenCount: 3)], seed: 2)
        try harness.runToCompletion()
        #expect(harness.outcomes.count == 2)
    }
}
