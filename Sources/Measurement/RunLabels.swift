/// What a run was: the labels that identify a row of a report.
public struct RunLabels: Sendable, Equatable, Codable {
    public var policy: String
    public var preset: String
    public var workload: String
    /// Mean arrival rate, requests per second.
    public var rate: Double
    public var seed: UInt64
    /// The arrival window (goodput divides by it).
    public var window: Duration

    public init(policy: String, preset: String, workload: String, rate: Double, seed: UInt64, window: Duration) {
        self.policy = policy
        self.preset = preset
        self.workload = workload
        self.rate = rate
        self.seed = seed
        self.window = window
    }
}
