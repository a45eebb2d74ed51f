import Measurement
import ServingCore

/// Times scheduling rounds of the real core with a deep waiting queue: `queuedCount` requests
/// waiting while the running set is full of decodes (the state of an overloaded server). The
/// queue is topped up after every round so its depth stays constant.
public struct SchedulerBenchmark {
    public struct Result: Sendable {
        public var policy: PolicyKind
        public var queuedCount: Int
        public var rounds: Int
        /// `schedule(now:)` alone.
        public var scheduleMean: Duration
        public var scheduleP99: Duration
        /// `schedule` + `apply` (the core's whole share of an iteration).
        public var roundMean: Duration
    }

    public var hardware: SimulatedHardware
    public var queuedCount: Int
    public var rounds: Int

    public init(hardware: SimulatedHardware, queuedCount: Int = 10_000, rounds: Int = 2_000) {
        self.hardware = hardware
        self.queuedCount = queuedCount
        self.rounds = rounds
    }

    /// The deepest queue and the most timed rounds a benchmark accepts.
    public static let maxQueuedCount = 1_000_000
    public static let maxRounds = 10_000_000

    /// Both counts positive and bounded (a huge count would allocate or loop without end).
    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(
            queuedCount > 0 && queuedCount <= Self.maxQueuedCount, "queued", queuedCount, "must be in 1...\(Self.maxQueuedCount)")
        try ConfigurationError.require(rounds > 0 && rounds <= Self.maxRounds, "rounds", rounds, "must be in 1...\(Self.maxRounds)")
    }

    public func run(policy: PolicyKind) throws -> Result {
        try validate()
        var settings = SimulationSettings(policy: PolicyConfiguration(kind: policy), hardware: hardware, window: .seconds(60))
        settings.maxContextLength = 2048
        let core = try EngineCore(configuration: settings.engineConfiguration())
        var executor = SimulatedExecutor(cost: hardware.cost, deviceBlockCount: 1, blockSize: settings.blockSize)
        var now = Duration.zero
        var serial: UInt64 = 0
        func submit() throws {
            serial += 1
            let call = ScriptedCall(name: "tool", duration: .seconds(Double(serial % 7)), returnedTokenCount: 20)
            let spec = RequestSpec(
                promptTokens: TraceReplay.promptTokens(key: "bench-\(serial)", count: 200 + Int(serial % 300)),
                sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: 1500, outputAccounting: .generatedAndReturned,
                segments: [ScriptedSegment(decodeTokenCount: 300, call: call), ScriptedSegment(decodeTokenCount: 1000)],
                requestClass: ["math", "chatbot", "qa"][Int(serial % 3)])
            try core.submit(spec, now: now)
        }
        for _ in 0..<queuedCount { try submit() }
        var scheduleTimes: [Duration] = []
        var roundTimes: [Duration] = []
        let clock = ContinuousClock()
        for round in 0..<(rounds + 200) {
            let start = clock.now
            let plan = core.schedule(now: now)
            let scheduled = clock.now
            let output = executor.execute(plan)
            now += output.duration
            let applyStart = clock.now
            _ = try core.apply(output, now: now)
            let end = clock.now
            if round >= 200 {  // after the running set filled up
                scheduleTimes.append(scheduled - start)
                roundTimes.append((scheduled - start) + (end - applyStart))
            }
            while core.snapshot.waitingCount < queuedCount { try submit() }
        }
        let stats = SampleStatistics(scheduleTimes.map(\.seconds))
        let round = SampleStatistics(roundTimes.map(\.seconds))
        return Result(
            policy: policy, queuedCount: queuedCount, rounds: rounds, scheduleMean: .seconds(stats.mean),
            scheduleP99: .seconds(stats.percentile(99)), roundMean: .seconds(round.mean))
    }
}
