/// When requests arrive: a renewal process given by its inter-arrival gaps.
///
/// Poisson has exponential gaps (coefficient of variation 1). Gamma keeps the same mean gap and
/// sets the coefficient of variation: CV 1 is Poisson again, CV 2 and 4 give the bursts of the
/// comparison report's bursty runs (shape `k = 1/CV²`, scale `1/(rate·k)`).
public enum ArrivalProcess: Sendable, Equatable, Hashable {
    /// Exponential gaps with mean `1 / ratePerSecond`.
    case poisson(ratePerSecond: Double)
    /// Gamma gaps with mean `1 / ratePerSecond` and the given coefficient of variation.
    case gamma(ratePerSecond: Double, coefficientOfVariation: Double)

    /// The largest accepted rate, requests per second.
    public static let maxRatePerSecond = 1_000_000.0
    /// The largest accepted coefficient of variation.
    public static let maxCoefficientOfVariation = 100.0

    /// The mean arrival rate, requests per second. (Internal: the Simulation module publishes its
    /// own `ratePerSecond`, and two public members of that name would be ambiguous in the CLI.)
    var meanRatePerSecond: Double {
        switch self {
        case .poisson(let rate), .gamma(let rate, _): rate
        }
    }

    /// Checks the rate (positive, finite, at most `maxRatePerSecond`) and the CV (in `(0, 100]`).
    public func validate() throws(WorkloadError) {
        switch self {
        case .poisson(let rate):
            try Self.requireRate(rate)
        case .gamma(let rate, let cv):
            try Self.requireRate(rate)
            guard cv > 0, cv.isFinite, cv <= Self.maxCoefficientOfVariation else {
                throw .invalidArrivals(field: "cv", value: "\(cv)", requirement: "must be in (0, \(Int(Self.maxCoefficientOfVariation))]")
            }
        }
    }

    private static func requireRate(_ rate: Double) throws(WorkloadError) {
        guard rate > 0, rate.isFinite, rate <= maxRatePerSecond else {
            throw .invalidArrivals(
                field: "rate", value: "\(rate)", requirement: "must be a positive number of requests per second, at most \(Int(maxRatePerSecond))")
        }
    }

    /// Arrival times in `[0, window)`, in order, at nanosecond resolution; throws when the
    /// process is invalid or would produce more than `maxCount` arrivals.
    public func arrivalTimes(window: Duration, maxCount: Int, random: inout SeededRandom) throws(WorkloadError) -> [Duration] {
        try validate()
        let windowSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) * 1e-18
        var times: [Duration] = []
        var t = 0.0
        while true {
            t += gap(&random)
            guard t < windowSeconds else { return times }
            guard times.count < maxCount else {
                throw .invalidArrivals(
                    field: "window", value: "\(window)", requirement: "produces more than \(maxCount) arrivals at rate \(meanRatePerSecond)/s")
            }
            times.append(.nanoseconds(Int64((t * 1e9).rounded())))
        }
    }

    private func gap(_ random: inout SeededRandom) -> Double {
        switch self {
        case .poisson(let rate):
            return random.nextExponential(mean: 1 / rate)
        case .gamma(let rate, let cv):
            let shape = 1 / (cv * cv)
            return random.nextGamma(shape: shape, scale: 1 / (rate * shape))
        }
    }
}
