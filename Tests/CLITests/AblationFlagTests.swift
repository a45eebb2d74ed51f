@testable import augserve
import ServingCore
import Testing

/// Each ablation flag maps onto the `AugServeParameters` switch it names (the core-level
/// behaviour of each switch is tested in ServingCoreTests and SimulationTests).
@Suite struct AblationFlagTests {
    static func parameters(_ arguments: [String]) throws -> AugServeParameters {
        try AugServeOptions.parse(arguments).parameters()
    }

    @Test func defaultsUseEveryComponent() throws {
        let defaults = try Self.parameters([])
        #expect(defaults == AugServeParameters())
        #expect(defaults.usesStageOne && defaults.usesStageTwo && defaults.usesTriage && defaults.usesDynamicBudget)
        #expect(defaults.usesPrefixCache && !defaults.reservesDecodeHeadroom)
    }

    @Test("each flag switches exactly its component", arguments: [
        "--no-stage1", "--no-stage2", "--no-triage", "--static-budget", "--no-prefix-cache", "--no-skip-admission", "--headroom",
    ])
    func flagMapsToItsParameter(flag: String) throws {
        let parsed = try Self.parameters([flag])
        var expected = AugServeParameters()
        switch flag {
        case "--no-stage1": expected.usesStageOne = false
        case "--no-stage2":
            expected.usesStageTwo = false
            expected.usesTriage = false  // triage is part of Stage II
        case "--no-triage": expected.usesTriage = false
        case "--static-budget": expected.usesDynamicBudget = false
        case "--no-prefix-cache": expected.usesPrefixCache = false
        case "--no-skip-admission": expected.skipsUnfitRequests = false
        case "--headroom": expected.reservesDecodeHeadroom = true
        default: Issue.record("unknown flag \(flag)")
        }
        #expect(parsed == expected)
        #expect(parsed != AugServeParameters(), "the flag changed something")
    }

    @Test func tunablesMapToTheirParameters() throws {
        let parsed = try Self.parameters([
            "--beta", "2.5", "--phi", "0.3", "--starvation-after", "5s", "--min-budget", "128", "--lookahead", "4",
            "--predictor", "oracle",
        ])
        #expect(parsed.beta == 2.5 && parsed.starvingShare == 0.3 && parsed.starvationAfter == .seconds(5))
        #expect(parsed.minBudget == 128 && parsed.decodeLookahead == 4 && parsed.predictor == .oracle)
    }
}
