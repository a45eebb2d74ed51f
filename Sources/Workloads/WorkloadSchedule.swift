/// Builds the seeded arrival list of a run: when requests arrive and which traces they replay.
public enum WorkloadSchedule {
    /// The longest accepted arrival window (about 3.2 years; keeps nanosecond times in `Int64`).
    public static let maxWindow: Duration = .seconds(100_000_000)
    /// The most arrivals one schedule may hold (a guard against a mistyped rate or window).
    public static let maxArrivalCount = 20_000_000

    /// Arrival times from `arrivals` over `[0, window)`; each arrival's trace is drawn uniformly
    /// with replacement from `workload.requests`.
    ///
    /// Everything is seeded: the same inputs give an identical list, a different seed gives
    /// different arrivals. Times and draws use separate streams of the seed, so a different rate
    /// changes when requests arrive but not which traces are drawn first.
    public static func make(workload: Workload, arrivals: ArrivalProcess, window: Duration, seed: UInt64) throws(WorkloadError) -> [ArrivingRequest] {
        try arrivals.validate()
        guard window > .zero, window <= maxWindow else {
            throw .invalidArrivals(field: "window", value: "\(window)", requirement: "must be > 0 and at most \(maxWindow)")
        }
        guard !workload.requests.isEmpty else { throw .empty(file: workload.name) }
        let expectedCount = arrivals.meanRatePerSecond * Double(window.components.seconds)
        guard expectedCount <= Double(maxArrivalCount) else {
            throw .invalidArrivals(
                field: "window", value: "\(window)",
                requirement: "at \(arrivals.meanRatePerSecond) requests/s it would hold about \(Int(expectedCount)) arrivals, more than \(maxArrivalCount)")
        }
        var timeRandom = SeededRandom(seed: seed)
        var drawRandom = SeededRandom(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let times = try arrivals.arrivalTimes(window: window, maxCount: maxArrivalCount, random: &timeRandom)
        return times.enumerated().map { index, time in
            ArrivingRequest(index: index, arrival: time, trace: workload.requests[drawRandom.nextInt(below: workload.requests.count)])
        }
    }
}
