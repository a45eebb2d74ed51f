import Measurement
import ServingCore
import Workloads

/// Turns dataset traces into engine requests and engine outcomes into measurement records.
///
/// Token ids are synthetic but structured like real text for the prefix cache: a prompt's tokens
/// depend only on its dataset key (the same conversation sampled twice shares its prompt), while
/// returned and generated tokens depend on the request instance.
enum TraceReplay {
    static func spec(for trace: TraceRequest, contextLimit: Int) -> RequestSpec {
        let segments = trace.segments.map { segment in
            ScriptedSegment(
                decodeTokenCount: segment.decodeTokenCount,
                call: segment.call.map {
                    ScriptedCall(name: $0.kind.name, duration: $0.duration, returnedTokenCount: $0.returnedTokenCount)
                })
        }
        return RequestSpec(
            promptTokens: promptTokens(key: trace.key, count: min(trace.promptTokenCount, contextLimit)),
            sampling: SamplingParameters(ignoreEOS: true),
            maxOutputTokenCount: max(1, trace.maxOutputTokenCount), outputAccounting: .generatedAndReturned,
            segments: segments, requestClass: trace.type)
    }

    static func promptTokens(key: String, count: Int) -> [TokenID] {
        var keyHash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { keyHash = (keyHash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (0..<count).map { TokenID(truncatingIfNeeded: mix(keyHash &+ UInt64($0)) % 50_000) }
    }

    static func returnedTokens(for id: RequestID, count: Int, position: Int) -> [TokenID] {
        (0..<count).map { TokenID(truncatingIfNeeded: mix(id.rawValue << 32 ^ UInt64(position + $0) ^ 0xA5A5) % 50_000) }
    }

    static func record(for arriving: ArrivingRequest, spec: RequestSpec) -> RequestRecord {
        RequestRecord(
            requestID: UInt64(arriving.index), type: arriving.trace.type, arrival: arriving.arrival,
            firstTokenAt: nil, finishedAt: nil, promptTokenCount: spec.promptTokens.count,
            generatedTokenCount: 0, returnedTokenCount: 0, callCount: 0, totalCallDuration: .zero,
            queueingDelay: .zero, preemptionCount: 0, recomputedTokenCount: 0, swappedBytes: 0)
    }

    static func complete(_ record: inout RequestRecord, with outcome: RequestOutcome, swapBytesPerBlock: Int) {
        record.firstTokenAt = outcome.firstTokenAt
        record.finishedAt = outcome.finishReason == .aborted ? nil : outcome.finishedAt
        record.generatedTokenCount = outcome.generatedTokenCount
        record.returnedTokenCount = outcome.returnedTokenCount
        record.callCount = outcome.callCount
        record.totalCallDuration = outcome.totalCallDuration
        record.queueingDelay = outcome.queueingDelay
        record.preemptionCount = outcome.preemptionCount
        record.recomputedTokenCount = outcome.recomputedTokenCount
        record.swappedBytes = Int64(outcome.swappedBlockCount) * Int64(swapBytesPerBlock)
    }
}

/// Samples a quantity every step and keeps one mean per fixed slice of virtual time, so a long
/// run's series stays small.
struct SeriesRecorder {
    let name: String
    let unit: String
    var bucketWidth: Duration = .seconds(5)
    private var points: [(time: Double, value: Double)] = []
    private var bucketEnd: Duration = .zero
    private var bucketSum = 0.0
    private var bucketCount = 0
    private var totalSum = 0.0
    private var totalCount = 0

    init(name: String, unit: String) {
        self.name = name
        self.unit = unit
    }

    mutating func add(time: Duration, value: Double) {
        if bucketCount > 0, time > bucketEnd { flush() }
        if bucketCount == 0 { bucketEnd = time + bucketWidth }
        bucketSum += value
        bucketCount += 1
        totalSum += value
        totalCount += 1
    }

    private mutating func flush() {
        points.append(((bucketEnd - bucketWidth).seconds, bucketSum / Double(bucketCount)))
        bucketSum = 0
        bucketCount = 0
    }

    var mean: Double { totalCount == 0 ? 0 : totalSum / Double(totalCount) }

    func series() -> TimeSeries {
        var copy = self
        if copy.bucketCount > 0 { copy.flush() }
        return TimeSeries(name: name, unit: unit, points: copy.points.map { TimeSeries.Point(time: $0.time, value: $0.value) })
    }
}
