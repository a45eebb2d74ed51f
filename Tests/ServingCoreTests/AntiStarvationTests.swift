import ServingCore
import Testing

/// An adversarial workload: a stream of cheap requests arriving faster than four running slots
/// can serve them, and one expensive request that always loses on cost. With the starvation guard
/// it is served within `starvationAfter` plus a short drain; without it, only after the stream ends.
@Suite struct AntiStarvationTests {
    static func run(starvingShare: Double) throws -> (arrival: Duration, firstToken: Duration, streamEnd: Duration) {
        var parameters = AugServeParameters()
        parameters.predictor = .oracle
        parameters.starvationAfter = .seconds(5)
        parameters.starvingShare = starvingShare
        let harness = try CoreHarness(
            policy: .augserve, deviceBlocks: 400, blockSize: 16, maxRunning: 4, maxContext: 2048,
            cost: AugServeValueTests.cost, augserve: parameters)
        let streamEnd = Duration.seconds(20)
        var nextCheap = Duration.zero
        var expensive: RequestID?
        let expensiveArrival = Duration.milliseconds(500)
        var seed: Int32 = 0
        while harness.now < streamEnd {
            while nextCheap <= harness.now {
                seed += 1
                try harness.submit(prompt: 20, segments: [.init(decodeTokenCount: 10)], seed: seed)
                nextCheap += .milliseconds(20)
            }
            if expensive == nil && harness.now >= expensiveArrival {
                expensive = try harness.submit(prompt: 1500, segments: [.init(decodeTokenCount: 300)], seed: -1)
            }
            try harness.step()
        }
        try harness.runToCompletion()
        let id = try #require(expensive)
        let outcome = try #require(harness.outcomes[id])
        return (outcome.arrival, try #require(outcome.firstTokenAt), streamEnd)
    }

    @Test func starvingRequestIsServedWithinTheBound() throws {
        let result = try Self.run(starvingShare: 0.2)
        let ttft = result.firstToken - result.arrival
        #expect(ttft >= .seconds(5), "it does lose on cost until it starves")
        #expect(ttft <= .seconds(6), "starvationAfter (5 s) plus a bounded drain; measured \(ttft)")
    }

    @Test func withoutTheGuardItWaitsForTheStreamToEnd() throws {
        let result = try Self.run(starvingShare: 0)
        #expect(result.firstToken > result.streamEnd, "served only once the cheap stream stopped: \(result.firstToken)")
    }
}
