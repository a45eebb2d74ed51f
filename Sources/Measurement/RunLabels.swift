/// What a run was: the labels that identify a row of a report.
public struct RunLabels: Sendable, Equatable, Codable {
    /// The scheduling policy (`vllm`, `vllm-apc`, `infercept`, `augserve`, an ablation).
    public var policy: String
    /// The hardware preset (or `live` for a measured server).
    public var preset: String
    /// The workload's name.
    public var workload: String
    /// Mean arrival rate, requests per second.
    public var rate: Double
    /// The seed of the arrivals.
    public var seed: UInt64
    /// The arrival window (goodput and completed/s divide by it).
    public var window: Duration

    /// Labels of one run.
    public init(policy: String, preset: String, workload: String, rate: Double, seed: UInt64, window: Duration) {
        self.policy = policy
        self.preset = preset
        self.workload = workload
        self.rate = rate
        self.seed = seed
        self.window = window
    }
}
