import ServingCore
import Testing
import Workloads

/// The live engine's cost model: recovered from noisy step times with outliers, identifiable
/// parameters learned, unidentifiable ones held at the prior, bad samples ignored.
@Suite struct OnlineCostFitTests {
    static let truth = IterationCostModel(
        fixed: .milliseconds(7), perToken: .microseconds(1600), perContextToken: .nanoseconds(900),
        kvBytesPerToken: 46_080, swapBytesPerSecond: 8e9)
    static let prior = IterationCostModel(
        fixed: .milliseconds(20), perToken: .microseconds(500), perContextToken: .nanoseconds(100),
        kvBytesPerToken: 46_080, swapBytesPerSecond: 2e9)

    static func seconds(_ model: IterationCostModel, _ shape: StepShape) -> Double {
        model.computeSeconds(batchTokenCount: shape.tokenCount, decodeContextTokenCount: shape.decodeContextTokenCount, sampledSequenceCount: shape.sampledSequenceCount)
            + model.swapSeconds(tokenCount: shape.swapTokenCount)
    }

    static func relativeError(_ a: Duration, _ b: Duration) -> Double { abs(a.seconds - b.seconds) / b.seconds }

    @Test func recoversTheModelDespiteNoiseAndOutliers() throws {
        var fit = try OnlineCostFit(prior: Self.prior)
        var random = SeededRandom(seed: 7)
        var latest: IterationCostModel?
        for step in 0..<600 {
            let decodes = Int(random.next() % 32) + 1
            let prefill = random.next() % 3 == 0 ? Int(random.next() % 256) : 0
            let shape = StepShape(
                tokenCount: decodes + prefill, decodeContextTokenCount: decodes * Int(random.next() % 900 + 50),
                swapTokenCount: random.next() % 5 == 0 ? 16 * Int(random.next() % 8 + 1) : 0)
            var seconds = Self.seconds(Self.truth, shape) * (1 + 0.03 * (random.nextUnitDouble() - 0.5))
            if step % 20 == 7 { seconds *= 10 }  // descheduled by the OS
            if let model = fit.add(shape, duration: .seconds(seconds)) { latest = model }
        }
        let model = try #require(latest)
        #expect(Self.relativeError(model.fixed, Self.truth.fixed) < 0.05, "c = \(model.fixed)")
        #expect(Self.relativeError(model.perToken, Self.truth.perToken) < 0.03, "a = \(model.perToken)")
        #expect(Self.relativeError(model.perContextToken, Self.truth.perContextToken) < 0.10, "k = \(model.perContextToken)")
        // Swaps are at most a few percent of these steps, inside the 3 % timing noise: loosely identified.
        #expect(abs(model.swapBytesPerSecond - Self.truth.swapBytesPerSecond) / Self.truth.swapBytesPerSecond < 0.3)
        #expect(fit.lastOutlierCount > 0)
    }

    /// Every step decodes one sequence at the same context: only `c + a + k·ctx` is identifiable,
    /// so the fit matches that sum (within the prior's pull of 4 pseudo-steps against 512) while
    /// swap cost (never observed) stays at the prior.
    @Test func unidentifiableParametersStayAtThePrior() throws {
        var fit = try OnlineCostFit(prior: Self.prior)
        let shape = StepShape(tokenCount: 1, decodeContextTokenCount: 100)
        var model = Self.prior
        for _ in 0..<512 {
            if let refit = fit.add(shape, duration: .seconds(Self.seconds(Self.truth, shape))) { model = refit }
        }
        #expect(abs(Self.seconds(model, shape) - Self.seconds(Self.truth, shape)) / Self.seconds(Self.truth, shape) < 0.02)
        #expect(abs(model.swapBytesPerSecond - Self.prior.swapBytesPerSecond) / Self.prior.swapBytesPerSecond < 1e-6)
    }

    @Test func calibrationFromAWarmUpBecomesThePrior() throws {
        var fit = try OnlineCostFit(prior: Self.prior)
        let shapes = [
            StepShape(tokenCount: 1, decodeContextTokenCount: 16), StepShape(tokenCount: 8, decodeContextTokenCount: 8 * 64),
            StepShape(tokenCount: 64, decodeContextTokenCount: 0), StepShape(tokenCount: 256, decodeContextTokenCount: 0),
            StepShape(tokenCount: 32, decodeContextTokenCount: 32 * 500), StepShape(tokenCount: 0, decodeContextTokenCount: 0, swapTokenCount: 512),
        ]
        let model = fit.calibrate(shapes.map { ($0, .seconds(Self.seconds(Self.truth, $0))) })
        #expect(fit.prior == model && fit.current == model)
        #expect(Self.relativeError(model.perToken, Self.truth.perToken) < 0.05)
        #expect(abs(model.swapBytesPerSecond - Self.truth.swapBytesPerSecond) / Self.truth.swapBytesPerSecond < 0.2)
    }

    /// On the CPU a decode token costs more than a prefill token (its LM-head row and sampling):
    /// prefill chunks sample once, decode batches once per token, so `w` is identifiable and the
    /// fit separates it from `a`.
    @Test func separatesThePerSampledSequenceCostFromThePerTokenCost() throws {
        var truth = Self.truth
        truth.perSampledSequence = .microseconds(1200)
        var fit = try OnlineCostFit(prior: Self.prior)
        var random = SeededRandom(seed: 11)
        var latest: IterationCostModel?
        for _ in 0..<400 {
            let decodes = Int(random.next() % 16) + 1
            let prefill = random.next() % 3 == 0 ? Int(random.next() % 384) + 16 : 0
            let shape = StepShape(
                tokenCount: decodes + prefill, decodeContextTokenCount: decodes * Int(random.next() % 900 + 50),
                sampledSequenceCount: decodes + (prefill > 0 ? 1 : 0))
            let seconds = Self.seconds(truth, shape) * (1 + 0.02 * (random.nextUnitDouble() - 0.5))
            if let model = fit.add(shape, duration: .seconds(seconds)) { latest = model }
        }
        let model = try #require(latest)
        #expect(Self.relativeError(model.perSampledSequence, truth.perSampledSequence) < 0.1, "w = \(model.perSampledSequence)")
        #expect(Self.relativeError(model.perToken, truth.perToken) < 0.05, "a = \(model.perToken)")
        // A plan's shape counts the sequences that sample.
        let plan = BatchPlan(sequences: [
            ScheduledSequence(requestID: RequestID(1), tokens: [1, 2, 3], startPosition: 0, blockTable: [BlockID(index: 0)], samplesNextToken: false),
            ScheduledSequence(requestID: RequestID(2), tokens: [4], startPosition: 7, blockTable: [BlockID(index: 1)], samplesNextToken: true),
        ])
        #expect(plan.shape(blockSize: 16) == StepShape(tokenCount: 4, decodeContextTokenCount: 8, sampledSequenceCount: 1))
    }

    @Test func badSamplesAndParametersAreRefused() throws {
        var fit = try OnlineCostFit(prior: Self.prior)
        #expect(fit.add(StepShape(tokenCount: 0, decodeContextTokenCount: 0), duration: .milliseconds(5)) == nil)
        #expect(fit.add(StepShape(tokenCount: 4, decodeContextTokenCount: 0), duration: .zero) == nil)
        #expect(fit.observedCount == 0)
        var parameters = OnlineCostFit.Parameters()
        parameters.windowCount = 2
        #expect(throws: ConfigurationError.self) { try OnlineCostFit(prior: Self.prior, parameters: parameters) }
        var broken = Self.prior
        broken.perToken = .zero
        #expect(throws: ConfigurationError.self) { try OnlineCostFit(prior: broken) }
    }
}
