import Collections
import Measurement
import ServingCore
import Workloads

/// What one simulated run produced.
public struct SimulationResult: Sendable {
    public var summary: RunSummary
    public var records: [RequestRecord]
    /// Fraction of device KV blocks in use over virtual time.
    public var kvUtilization: TimeSeries
    /// The per-iteration token budget over virtual time.
    public var tokenBudget: TimeSeries
    public var stepCount: Int
    /// Virtual time when the run ended (all finished, or the drain limit).
    public var endTime: Duration
    /// The arrival process, as a label.
    public var arrivals = ""
    /// Arrived and good requests per request class.
    public var classTallies: [ClassTally] = []
}

/// The discrete-event driver: arrivals and call returns on a virtual clock, the real scheduling
/// core, and the simulated executor. Deterministic: the same settings and arrivals give the same
/// result, bit for bit.
public struct SimulationRun {
    public let settings: SimulationSettings
    public let labels: RunLabels
    let core: EngineCore
    var executor: SimulatedExecutor
    var now: Duration = .zero
    var returns = Heap<CallReturn>()
    var returnSequence: UInt64 = 0
    var recordIndex: [RequestID: Int] = [:]
    var records: [RequestRecord] = []
    var stepCount = 0
    var kvSamples = SeriesRecorder(name: "kv_utilization", unit: "fraction")
    var budgetSamples = SeriesRecorder(name: "token_budget", unit: "tokens")

    public init(settings: SimulationSettings, labels: RunLabels) throws(ConfigurationError) {
        try settings.validate()
        self.settings = settings
        self.labels = labels
        let configuration = settings.engineConfiguration()
        core = try EngineCore(configuration: configuration)
        executor = SimulatedExecutor(
            cost: settings.hardware.cost, deviceBlockCount: configuration.cache.deviceBlockCount,
            blockSize: configuration.cache.blockSize)
    }

    /// Runs the arrivals to completion (or the drain limit). `progress` receives the fraction of
    /// virtual time covered, now and then.
    public mutating func run(_ arrivals: [ArrivingRequest], progress: ((Double) -> Void)? = nil) throws -> SimulationResult {
        let end = settings.window + settings.maxDrain
        var next = 0
        while true {
            next = submitArrivals(arrivals, from: next)
            try deliverReturns()
            let plan = core.schedule(now: now)
            if settings.checksInvariants { try check("schedule") }
            if plan.isEmpty {
                guard let wake = nextEventTime(arrivals, next), wake <= end else { break }
                now = max(now, wake)
                continue
            }
            try step(plan)
            if stepCount % 4096 == 0 { progress?(min(1, now.seconds / end.seconds)) }
            if now > end { break }
        }
        progress?(1)
        return finishResult(arrivals)
    }

    private mutating func step(_ plan: BatchPlan) throws {
        let output = executor.execute(plan)
        now += output.duration
        stepCount += 1
        let events = try core.apply(output, now: now)
        if settings.checksInvariants { try check("apply") }
        for event in events { handle(event) }
        let snapshot = core.snapshot
        kvSamples.add(time: now, value: snapshot.kvUtilization)
        budgetSamples.add(time: now, value: Double(snapshot.tokenBudget))
    }

    private mutating func handle(_ event: EngineEvent) {
        switch event {
        case .intercepted(let id, let call, _):
            returnSequence += 1
            returns.insert(CallReturn(at: now + call.duration, sequence: returnSequence, id: id, tokenCount: call.returnedTokenCount))
        case .finished(let outcome):
            finishRecord(outcome)
        case .firstToken(let id):
            if let index = recordIndex[id] { records[index].firstTokenAt = now }
        case .token:
            break
        }
    }

    private mutating func submitArrivals(_ arrivals: [ArrivingRequest], from start: Int) -> Int {
        var index = start
        while index < arrivals.count, arrivals[index].arrival <= now {
            let arriving = arrivals[index]
            let spec = TraceReplay.spec(for: arriving.trace, contextLimit: settings.maxContextLength)
            records.append(TraceReplay.record(for: arriving, spec: spec))
            if let id = try? core.submit(spec, now: arriving.arrival) {
                recordIndex[id] = records.count - 1
            }
            index += 1
        }
        return index
    }

    private mutating func deliverReturns() throws {
        while let first = returns.min, first.at <= now {
            _ = returns.removeMin()
            let tokens = TraceReplay.returnedTokens(for: first.id, count: first.tokenCount, position: core.contextLength(of: first.id))
            if let outcome = try core.callReturned(first.id, returnedTokens: tokens, now: first.at) {
                finishRecord(outcome)
            }
        }
    }

    private func nextEventTime(_ arrivals: [ArrivingRequest], _ next: Int) -> Duration? {
        let arrival = next < arrivals.count ? arrivals[next].arrival : nil
        let callReturn = returns.min?.at
        switch (arrival, callReturn) {
        case (let a?, let r?): return min(a, r)
        case (let a?, nil): return a
        case (nil, let r?): return r
        case (nil, nil): return nil
        }
    }

    private mutating func finishRecord(_ outcome: RequestOutcome) {
        guard let index = recordIndex.removeValue(forKey: outcome.id) else { return }
        TraceReplay.complete(&records[index], with: outcome, swapBytesPerBlock: settings.hardware.kvBytesPerToken * settings.blockSize)
    }

    /// Predictor accuracy (SPEC §5: reported in every run of a predicting policy).
    private var accuracyExtras: [(String, Double)] {
        guard let accuracy = core.predictorAccuracy else { return [] }
        return [
            ("pred_call_duration_mae_s", accuracy.durationMAE), ("pred_returned_mae_tokens", accuracy.returnedMAE),
            ("pred_bucket_hit_rate", accuracy.bucketHitRate), ("pred_decode_mae_tokens", accuracy.decodeMAE),
        ]
    }

    private func check(_ phase: String) throws {
        let problems = core.checkInvariants()
        if !problems.isEmpty { throw SimulationError.invariantViolated(phase: phase, time: now, problems: problems) }
    }

    private func finishResult(_ arrivals: [ArrivingRequest]) -> SimulationResult {
        let extras: [(String, Double)] = [
            ("steps", Double(stepCount)),
            ("kv_util_mean", kvSamples.mean),
            ("token_budget_mean", budgetSamples.mean),
            ("prefix_hit_blocks", Double(core.blockPool.cacheHitBlockCount)),
        ] + accuracyExtras
        let summary = RunSummary(records: records, labels: labels, slo: settings.slo, endTime: now, extras: extras)
        return SimulationResult(
            summary: summary, records: records, kvUtilization: kvSamples.series(), tokenBudget: budgetSamples.series(),
            stepCount: stepCount, endTime: now, classTallies: ClassTally.tallies(records, slo: settings.slo))
    }
}

/// A pending call return on the virtual clock.
struct CallReturn: Comparable {
    let at: Duration
    let sequence: UInt64
    let id: RequestID
    let tokenCount: Int

    static func < (lhs: CallReturn, rhs: CallReturn) -> Bool {
        lhs.at != rhs.at ? lhs.at < rhs.at : lhs.sequence < rhs.sequence
    }
}

public enum SimulationError: Error, CustomStringConvertible {
    case invariantViolated(phase: String, time: Duration, problems: [String])
    /// A sweep job produced no result (a bug in the sweep, reported instead of crashing).
    case missingResult(Int)

    public var description: String {
        switch self {
        case .invariantViolated(let phase, let time, let problems):
            "invariant violated after \(phase) at \(time): \(problems.prefix(3).joined(separator: "; "))"
        case .missingResult(let index): "sweep job \(index) produced no result"
        }
    }
}
