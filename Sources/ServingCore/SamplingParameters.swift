/// How a request's tokens are chosen. The core carries these to the executor untouched, except
/// for the stop conditions it checks itself (`stopTokenIDs`, `ignoreEOS`).
public struct SamplingParameters: Sendable, Equatable, Hashable {
    /// 0 means greedy (argmax).
    public var temperature: Float
    /// 0 disables top-k.
    public var topK: Int
    /// 1 disables top-p.
    public var topP: Float
    /// 0 disables min-p.
    public var minP: Float
    /// Seed of the request's sampling RNG; the executor derives each step's randomness from
    /// `(seed, position)` so sampling is reproducible and needs no per-request state.
    public var seed: UInt64
    /// Generation stops when one of these is sampled (unless `ignoreEOS`).
    public var stopTokenIDs: [TokenID]
    /// Trace replay ignores EOS, as InferCept's harness does.
    public var ignoreEOS: Bool

    public init(
        temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 0,
        stopTokenIDs: [TokenID] = [], ignoreEOS: Bool = false
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.seed = seed
        self.stopTokenIDs = stopTokenIDs
        self.ignoreEOS = ignoreEOS
    }

    public static let greedy = SamplingParameters()
}
