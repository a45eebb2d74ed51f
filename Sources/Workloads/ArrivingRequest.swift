/// A request of the workload arriving at a time: one entry of a run's schedule.
public struct ArrivingRequest: Sendable, Equatable {
    /// Position in arrival order (0-based); drivers derive request ids from it.
    public var index: Int
    /// Time since the start of the run.
    public var arrival: Duration
    /// The trace drawn for this arrival.
    public var trace: TraceRequest

    /// An arrival of `trace` at `arrival`, the `index`-th of its schedule.
    public init(index: Int, arrival: Duration, trace: TraceRequest) {
        self.index = index
        self.arrival = arrival
        self.trace = trace
    }
}
