/// The cost of one engine iteration and of moving KV blocks, as the scheduler believes it to be.
///
/// SPEC §9: `T = c + a · (tokens in the batch) + k · (context tokens read by decoding requests)`;
/// swap time = bytes / host-link bandwidth. The simulator executes plans with the same model; the
/// live engine fits it from measured step times. Policies use it for waste estimates (InferCept's
/// `f_s`, `a`), for AugServe's Stage I value and for the dynamic budget's `Bmax`.
public struct IterationCostModel: Sendable, Equatable, Codable {
    /// `c`: fixed cost of an iteration (weights streamed once, launch overheads).
    public var fixed: Duration
    /// `a`: cost per token forwarded in the batch (prefill and decode tokens alike).
    public var perToken: Duration
    /// `k`: cost per context token attended to by a decoding request (KV bytes read).
    public var perContextToken: Duration
    /// `w`: cost per sequence that samples a token — its row of the LM head, logits processing
    /// and sampling. Zero in the GPU presets, where it hides in `a`; on the CPU a decode token
    /// costs about twice a prefill token, and this is the difference (`augserve profile`).
    public var perSampledSequence: Duration
    /// KV bytes per token (all layers) held on one device.
    public var kvBytesPerToken: Int
    /// Host-link bandwidth for swapping, bytes per second.
    public var swapBytesPerSecond: Double

    public init(
        fixed: Duration, perToken: Duration, perContextToken: Duration,
        kvBytesPerToken: Int, swapBytesPerSecond: Double, perSampledSequence: Duration = .zero
    ) {
        self.fixed = fixed
        self.perToken = perToken
        self.perContextToken = perContextToken
        self.perSampledSequence = perSampledSequence
        self.kvBytesPerToken = kvBytesPerToken
        self.swapBytesPerSecond = swapBytesPerSecond
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(fixed >= .zero, "cost.fixed", fixed, "must be ≥ 0")
        try ConfigurationError.require(perToken > .zero, "cost.perToken", perToken, "must be > 0")
        try ConfigurationError.require(perContextToken >= .zero, "cost.perContextToken", perContextToken, "must be ≥ 0")
        try ConfigurationError.require(perSampledSequence >= .zero, "cost.perSampledSequence", perSampledSequence, "must be ≥ 0")
        try ConfigurationError.require(kvBytesPerToken > 0, "cost.kvBytesPerToken", kvBytesPerToken, "must be > 0")
        try ConfigurationError.require(
            swapBytesPerSecond > 0 && swapBytesPerSecond.isFinite, "cost.swapBytesPerSecond", swapBytesPerSecond,
            "must be a positive number")
    }

    /// Modelled compute time of an iteration, in seconds.
    /// `c + a·tokens + k·decode context + w·sampled sequences`.
    public func computeSeconds(batchTokenCount: Int, decodeContextTokenCount: Int, sampledSequenceCount: Int) -> Double {
        guard batchTokenCount > 0 else { return 0 }
        return fixed.seconds + perToken.seconds * Double(batchTokenCount)
            + perContextToken.seconds * Double(decodeContextTokenCount) + perSampledSequence.seconds * Double(sampledSequenceCount)
    }

    /// An iteration that forwards one chunk of `tokenCount` prompt tokens and samples once: the
    /// unit the policies' prefill, waste and budget estimates are made of.
    public func chunkSeconds(tokenCount: Int) -> Double {
        computeSeconds(batchTokenCount: tokenCount, decodeContextTokenCount: 0, sampledSequenceCount: 1)
    }

    /// Seconds to move `tokenCount` tokens of KV across the host link (one direction).
    public func swapSeconds(tokenCount: Int) -> Double {
        Double(tokenCount) * Double(kvBytesPerToken) / swapBytesPerSecond
    }

    /// Seconds of an iteration that computes for `computeSeconds` and moves `swapTokenCount` tokens
    /// between device and host. Swaps are copies on their own stream, overlapped with compute (as
    /// InferCept's engine issues them, layer by layer, on a dedicated CUDA stream), so the step
    /// lasts the longer of the two. The simulated executor runs plans with this rule and the
    /// policies' swap waste is computed from it: one swap-cost model for decisions and execution.
    public func stepSeconds(computeSeconds: Double, swapTokenCount: Int) -> Double {
        max(computeSeconds, swapSeconds(tokenCount: swapTokenCount))
    }

    /// How long an iteration's swaps hold the batch beyond its compute (0 while they hide behind it).
    public func swapStallSeconds(computeSeconds: Double, swapTokenCount: Int) -> Double {
        stepSeconds(computeSeconds: computeSeconds, swapTokenCount: swapTokenCount) - computeSeconds
    }

    /// The single-iteration time of SPEC §7: one short request's decode step.
    public var singleIterationTime: Duration {
        .seconds(computeSeconds(batchTokenCount: 1, decodeContextTokenCount: 64, sampledSequenceCount: 1))
    }
}
