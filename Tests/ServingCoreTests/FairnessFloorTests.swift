@testable import ServingCore
import Testing

/// The per-class fairness floor (`AugServeParameters.classAttainmentFloor`, off by default): a
/// class whose recent SLO attainment fell below the floor has its waiting requests served ahead
/// of the rest of their tier.
@Suite struct FairnessFloorTests {
    static func submit(_ harness: CoreHarness, prompt: Int, decode: Int, requestClass: String, ttft: Duration? = nil, seed: Int32) throws -> RequestID {
        let spec = RequestSpec(
            promptTokens: CoreHarness.prompt(prompt, seed: seed), sampling: SamplingParameters(ignoreEOS: true),
            maxOutputTokenCount: decode, outputAccounting: .generatedAndReturned, segments: [.init(decodeTokenCount: decode)],
            requestClass: requestClass, objectives: RequestObjectives(timeToFirstToken: ttft))
        return try harness.core.submit(spec, now: harness.now)
    }

    /// 40 QA requests that cannot meet their own 1 ns TTFT objective pull QA's attainment to
    /// (31/32)^40 ≈ 0.28. Then, behind one running request, an expensive QA request and a cheap
    /// math request wait for the single slot: cost alone serves math first; with a 0.5 floor QA goes first.
    @Test(arguments: [nil, 0.5])
    func aClassBelowTheFloorIsServedFirst(floor: Double?) throws {
        let parameters = AugServeMechanismTests.parameters { $0.classAttainmentFloor = floor }
        let harness = try AugServeMechanismTests.harness(parameters)
        for seed in 1...40 { _ = try Self.submit(harness, prompt: 4, decode: 1, requestClass: "qa", ttft: .nanoseconds(1), seed: Int32(seed)) }
        try harness.runToCompletion()
        let policy = try AugServeMechanismTests.policy(of: harness)
        if floor != nil { #expect(policy.classAttainment.behind(floor: 0.5) == [true]) }
        _ = try Self.submit(harness, prompt: 10, decode: 30, requestClass: "math", seed: 50)
        try harness.step()
        let qa = try Self.submit(harness, prompt: 300, decode: 100, requestClass: "qa", seed: 51)
        let math = try Self.submit(harness, prompt: 10, decode: 5, requestClass: "math", seed: 52)
        let qaCost = try #require(harness.core.requests[qa]?.augserve?.remainingCost)
        let mathCost = try #require(harness.core.requests[math]?.augserve?.remainingCost)
        #expect(mathCost * 10 < qaCost, "math wins on rank alone")
        try harness.runToCompletion()
        let qaStart = try #require(harness.outcomes[qa]?.firstTokenAt)
        let mathStart = try #require(harness.outcomes[math]?.firstTokenAt)
        #expect((qaStart < mathStart) == (floor != nil))
    }

    @Test func trackerAveragesEachClassSeparately() {
        var tracker = ClassAttainmentTracker()
        let qa = tracker.index(of: "qa"), tts = tracker.index(of: "tts")
        #expect(tracker.index(of: "qa") == qa && qa != tts)
        tracker.record(qa, met: false)
        #expect(abs(tracker.attainment[qa] - 31.0 / 32) < 1e-12 && tracker.attainment[tts] == 1)
        #expect(tracker.behind(floor: 0.99) == [true, false])
    }
}
