/// When requests arrive. Poisson: exponential gaps. Gamma: gaps with the same mean and a chosen
/// coefficient of variation (CV 1 is Poisson; CV 2 and 4 are bursty).
public enum ArrivalProcess: Sendable, Equatable, Hashable {
    case poisson(ratePerSecond: Double)
    case gamma(ratePerSecond: Double, coefficientOfVariation: Double)

    public func validate() throws(WorkloadError) {
        switch self {
        case .poisson(let rate):
            try Self.requireRate(rate)
        case .gamma(let rate, let cv):
            try Self.requireRate(rate)
            guard cv > 0, cv.isFinite, cv <= 100 else {
                throw .invalidArrivals(field: "cv", value: "\(cv)", requirement: "must be in (0, 100]")
            }
        }
    }

    private static func requireRate(_ rate: Double) throws(WorkloadError) {
        guard rate > 0, rate.isFinite, rate <= 1e6 else {
            throw .invalidArrivals(field: "rate", value: "\(rate)", requirement: "must be a positive number of requests per second")
        }
    }

    /// Arrival times in `[0, window)`.
    public func arrivalTimes(window: Duration, random: inout SeededRandom) -> [Duration] {
        let windowSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) * 1e-18
        var times: [Duration] = []
        var t = 0.0
        while true {
            t += gap(&random)
            guard t < windowSeconds else { return times }
            times.append(.nanoseconds(Int64((t * 1e9).rounded())))
        }
    }

    private func gap(_ random: inout SeededRandom) -> Double {
        switch self {
        case .poisson(let rate):
            return random.nextExponential(mean: 1 / rate)
        case .gamma(let rate, let cv):
            // Gamma with shape k = 1/CV² and scale θ = 1/(rate·k) has mean 1/rate and CV `cv`.
            let shape = 1 / (cv * cv)
            return random.nextGamma(shape: shape, scale: 1 / (rate * shape))
        }
    }
}

/// A request of the workload arriving at a time.
public struct ArrivingRequest: Sendable, Equatable {
    /// Position in arrival order (0-based).
    public var index: Int
    public var arrival: Duration
    public var trace: TraceRequest

    public init(index: Int, arrival: Duration, trace: TraceRequest) {
        self.index = index
        self.arrival = arrival
        self.trace = trace
    }
}

/// Builds the seeded arrival list of a run.
public enum WorkloadSchedule {
    /// Arrival times from `arrivals` over `[0, window)`; each arrival's request is drawn uniformly
    /// with replacement from the workload. Same seed ⇒ same list; the times and the draws use
    /// separate streams, so changing the rate does not change which requests are drawn first.
    public static func make(workload: Workload, arrivals: ArrivalProcess, window: Duration, seed: UInt64) throws(WorkloadError) -> [ArrivingRequest] {
        try arrivals.validate()
        guard window > .zero else {
            throw .invalidArrivals(field: "window", value: "\(window)", requirement: "must be > 0")
        }
        guard !workload.requests.isEmpty else { throw .empty(file: workload.name) }
        var timeRandom = SeededRandom(seed: seed)
        var drawRandom = SeededRandom(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let times = arrivals.arrivalTimes(window: window, random: &timeRandom)
        return times.enumerated().map { index, time in
            ArrivingRequest(index: index, arrival: time, trace: workload.requests[drawRandom.nextInt(below: workload.requests.count)])
        }
    }
}
