/// The service-level objective (SPEC §7): TTFT ≤ `maxTTFT` and normalized latency ≤
/// `normalizedLatencyFactor` × the single-iteration time (one short request's decode step).
public struct SLOConfig: Sendable, Equatable, Codable, CustomStringConvertible {
    public var maxTTFT: Duration
    public var normalizedLatencyFactor: Double
    public var singleIterationTime: Duration

    public init(maxTTFT: Duration = .seconds(1), normalizedLatencyFactor: Double = 10, singleIterationTime: Duration) {
        self.maxTTFT = maxTTFT
        self.normalizedLatencyFactor = normalizedLatencyFactor
        self.singleIterationTime = singleIterationTime
    }

    public var maxNormalizedLatency: Duration { singleIterationTime * normalizedLatencyFactor }

    public func validate() throws(MeasurementError) {
        guard maxTTFT > .zero else { throw .invalidSLO(field: "maxTTFT", value: "\(maxTTFT)") }
        guard normalizedLatencyFactor > 0, normalizedLatencyFactor.isFinite else {
            throw .invalidSLO(field: "normalizedLatencyFactor", value: "\(normalizedLatencyFactor)")
        }
        guard singleIterationTime > .zero else {
            throw .invalidSLO(field: "singleIterationTime", value: "\(singleIterationTime)")
        }
    }

    /// Finished, with TTFT and normalized latency within the objectives.
    public func isMet(by record: RequestRecord) -> Bool {
        guard record.isFinished, let ttft = record.ttft, ttft <= maxTTFT,
            let normalized = record.normalizedLatency, normalized <= maxNormalizedLatency
        else { return false }
        return true
    }

    public var description: String {
        "TTFT ≤ \(Format.seconds(maxTTFT.secondsValue)) s, normalized latency ≤ \(Format.seconds(maxNormalizedLatency.secondsValue)) s/token"
    }
}

public enum MeasurementError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidSLO(field: String, value: String)

    public var description: String {
        switch self {
        case .invalidSLO(let field, let value): "invalid SLO \(field) = \(value): must be a positive number"
        }
    }
}

extension Duration {
    /// Seconds as a Double (for statistics and reports).
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
