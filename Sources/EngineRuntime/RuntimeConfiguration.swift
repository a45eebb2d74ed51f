import ServingCore

/// How the real-time engine runs. Validated once, in `EngineService.init`.
public struct RuntimeConfiguration: Sendable, Equatable {
    /// Requests that may wait for admission (not yet given a first token) before new ones are
    /// refused with "queue full" (HTTP 503).
    public var maxQueuedRequestCount = 1024
    /// Prompt tokens those waiting requests may hold in all.
    public var maxQueuedTokenCount = 1_048_576
    /// Events a request's stream buffers for a consumer that is not reading; past it the request
    /// is aborted (a slow client never stalls the engine).
    public var streamBufferLimit = 4096
    /// Valid token ids that trace replay appends for a call's returned tokens (cycled).
    public var fillerTokens: [TokenID] = [0]
    /// Measure a few step shapes at start and fit the cost model to them before serving.
    public var calibratesAtStart = true
    /// The online fit of the cost model from measured steps.
    public var costFit = OnlineCostFit.Parameters()
    /// Check the core's block-accounting invariants after every schedule and apply (tests, soak
    /// runs); violations are counted in the snapshot. Costs O(blocks) per step.
    public var checksInvariants = false
    /// Nice value of the engine thread (Linux, per thread): positive lets the threads that answer
    /// HTTP run before a step's compute; 0 keeps the default priority.
    public var engineThreadNiceness: Int32 = 10
    /// How long a suspended session (a client-side tool round trip) waits for its follow-up.
    public var sessionTimeToLive: Duration = .seconds(120)

    public init() {}

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(maxQueuedRequestCount > 0, "maxQueuedRequests", maxQueuedRequestCount, "must be > 0")
        try ConfigurationError.require(maxQueuedTokenCount > 0, "maxQueuedTokens", maxQueuedTokenCount, "must be > 0")
        try ConfigurationError.require(
            streamBufferLimit >= 16 && streamBufferLimit <= 1 << 20, "streamBufferLimit", streamBufferLimit, "must be in 16...1048576")
        try ConfigurationError.require(!fillerTokens.isEmpty, "fillerTokens", fillerTokens.count, "must not be empty")
        try costFit.validate()
        try ConfigurationError.require(
            sessionTimeToLive > .zero && sessionTimeToLive <= .seconds(86_400), "sessionTTL", sessionTimeToLive, "must be in (0, 24h]")
        try ConfigurationError.require((0...19).contains(engineThreadNiceness), "engineThreadNiceness", engineThreadNiceness, "must be in 0...19")
    }
}
