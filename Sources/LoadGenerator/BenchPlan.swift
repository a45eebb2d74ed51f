import Foundation
import Measurement
import Workloads

/// What to send: a workload (scaled), an arrival process per rate, a window and a seed.
public struct BenchPlan: Sendable {
    public enum Source: String, Sendable, CaseIterable {
        case infercept, synthetic
    }

    public var source: Source = .infercept
    public var scale = WorkloadScale()
    public var window: Duration = .seconds(60)
    public var seed: UInt64 = 1
    /// Gamma arrivals with this coefficient of variation; nil: Poisson.
    public var burstiness: Double?

    public init() {}

    public func workload() throws(BenchError) -> Workload {
        let base: Workload
        switch source {
        case .infercept:
            do { base = try InferCeptDataset.bundled() } catch { throw .invalid("bundled InferCept workload: \(error)") }
        case .synthetic:
            base = SyntheticWorkload.make(count: 400, seed: seed)
        }
        return scale.apply(base)
    }

    public func arrivals(rate: Double, workload: Workload) throws(BenchError) -> [ArrivingRequest] {
        let process: ArrivalProcess = burstiness.map { .gamma(ratePerSecond: rate, coefficientOfVariation: $0) } ?? .poisson(ratePerSecond: rate)
        do {
            try process.validate()
            return try WorkloadSchedule.make(workload: workload, arrivals: process, window: window, seed: seed)
        } catch {
            throw .invalid("rate \(rate): \(error)")
        }
    }

    public func labels(policy: String, target: BenchTarget, rate: Double) -> RunLabels {
        RunLabels(policy: policy, preset: "live-\(target.rawValue)", workload: "\(source.rawValue) (\(scale))", rate: rate, seed: seed, window: window)
    }
}

/// SLOs derived from an unloaded server: each request of a small sample is sent alone, several
/// times, and its fastest repetition is its unloaded cost (the machine's neighbours only ever add
/// time); the objectives are `margin` × the worst request's unloaded TTFT and normalized latency,
/// so an unloaded server meets them with at least that margin.
public struct SLODerivation: Sendable {
    public var samples: [ClientRecord]
    public var margin: Double

    /// `samples` holds every repetition; records with the same `index` are one request.
    public init(samples: [ClientRecord], margin: Double = 5) {
        self.samples = samples
        self.margin = margin
    }

    /// TTFT of a request sent alone (from when it was sent).
    static func unloadedTTFT(_ record: ClientRecord) -> Double? {
        guard record.failure == nil, let sent = record.sentAt, let first = record.firstTokenAt else { return nil }
        return (first - sent).secondsValue
    }

    /// Normalized latency of a request sent alone (from when it was sent, calls removed).
    static func unloadedNormalizedLatency(_ record: ClientRecord) -> Double? {
        guard record.failure == nil, let sent = record.sentAt, let end = record.finishedAt else { return nil }
        let output = record.generatedTokens + record.returnedTokens
        guard output > 0 else { return nil }
        return (end - sent - record.callTime).secondsValue / Double(output)
    }

    /// Per request, the fastest repetition of `metric`.
    func best(_ metric: (ClientRecord) -> Double?) -> [Double] {
        Dictionary(grouping: samples, by: \.index).values.compactMap { repetitions in repetitions.compactMap(metric).min() }.sorted()
    }

    public var worstTTFT: Double { best(Self.unloadedTTFT).last ?? 0 }
    public var worstNormalizedLatency: Double { best(Self.unloadedNormalizedLatency).last ?? 0 }

    public func slo() throws(BenchError) -> SLOConfig {
        guard worstTTFT > 0, worstNormalizedLatency > 0 else {
            throw .server("the unloaded sample produced no timings (\(samples.compactMap(\.failure).first ?? "no output"))")
        }
        return SLOConfig(maxTTFT: .seconds(worstTTFT * margin), normalizedLatencyFactor: margin, singleIterationTime: .seconds(worstNormalizedLatency))
    }

    public var explanation: String {
        let ttfts = best(Self.unloadedTTFT), norms = best(Self.unloadedNormalizedLatency)
        let requests = Set(samples.map(\.index)).count
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        return "\(requests) requests of the scaled workload, each sent \(samples.count / max(1, requests)) times, one at a time, to the idle server (fastest repetition kept): "
            + "TTFT \(f(ttfts.first ?? 0))–\(f(ttfts.last ?? 0)) s, normalized latency \(f(norms.first ?? 0))–\(f(norms.last ?? 0)) s/token; "
            + "SLO = \(Self.format(margin))× the worst of each: TTFT ≤ \(f((ttfts.last ?? 0) * margin)) s, normalized latency ≤ \(f((norms.last ?? 0) * margin)) s/token"
    }

    static func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%g", value) }
}

extension BenchPlan {
    /// `count` requests of the workload (seeded), their calls taking no time, each `repetitions`
    /// times (same `index`), all "arriving" at once: for `SLODerivation`, sent one at a time.
    public func unloadedSample(_ workload: Workload, count: Int, repetitions: Int = 3) -> [ArrivingRequest] {
        var random = SeededRandom(seed: seed ^ 0x5EED)
        let requests = (0..<count).map { index in
            var trace = workload.requests[random.nextInt(below: workload.requests.count)]
            trace.segments = trace.segments.map { segment in
                TraceSegment(decodeTokenCount: segment.decodeTokenCount, call: segment.call.map { TraceCall(kind: $0.kind, duration: .zero, returnedTokenCount: $0.returnedTokenCount) })
            }
            trace.key += "#unloaded"
            return ArrivingRequest(index: index, arrival: .zero, trace: trace)
        }
        return (0..<max(1, repetitions)).flatMap { _ in requests }
    }
}
