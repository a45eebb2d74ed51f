/// The service-level objective of SPEC §7: TTFT ≤ `maxTTFT` and normalized latency ≤
/// `normalizedLatencyFactor` × `singleIterationTime` (the decode step time of one short request on
/// the engine and hardware measured). A request meets it only if it also finished.
public struct SLOConfig: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The TTFT objective; default 1 s.
    public var maxTTFT: Duration
    /// How many single-iteration times one output token may take on average; default 10.
    public var normalizedLatencyFactor: Double
    /// The decode step time of one short request alone (no default: it depends on the hardware).
    public var singleIterationTime: Duration

    /// An SLO with the paper's defaults for the two objectives.
    public init(maxTTFT: Duration = .seconds(1), normalizedLatencyFactor: Double = 10, singleIterationTime: Duration) {
        self.maxTTFT = maxTTFT
        self.normalizedLatencyFactor = normalizedLatencyFactor
        self.singleIterationTime = singleIterationTime
    }

    /// The per-output-token limit: `singleIterationTime × normalizedLatencyFactor`. Never traps:
    /// a product beyond 10¹² s (or an infinite factor) saturates there, and a NaN or negative one
    /// (which `validate()` rejects) gives zero.
    public var maxNormalizedLatency: Duration {
        let seconds = singleIterationTime.secondsValue * normalizedLatencyFactor
        guard seconds > 0 else { return .zero }
        guard seconds < Self.saturatedSeconds else { return .seconds(Self.saturatedSeconds) }
        return singleIterationTime * normalizedLatencyFactor
    }

    private static let saturatedSeconds = 1e12

    /// Every field must be positive (and the factor finite); the error names the first that is not.
    public func validate() throws(MeasurementError) {
        guard maxTTFT > .zero else { throw .invalidSLO(field: "maxTTFT", value: "\(maxTTFT)") }
        guard normalizedLatencyFactor > 0, normalizedLatencyFactor.isFinite else {
            throw .invalidSLO(field: "normalizedLatencyFactor", value: "\(normalizedLatencyFactor)")
        }
        guard singleIterationTime > .zero else {
            throw .invalidSLO(field: "singleIterationTime", value: "\(singleIterationTime)")
        }
    }

    /// Whether `record` counts as good: finished, TTFT ≤ `maxTTFT`, and normalized latency ≤
    /// `maxNormalizedLatency`. A finished request without output tokens has no normalized latency
    /// and is counted as missed.
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
