/// One request of a workload: a prompt and a scripted life of segments.
public struct TraceRequest: Sendable, Equatable, Hashable {
    /// The dataset key (unique within a workload).
    public var key: String
    /// The augmentation type (`math`, `chatbot`, `qa`, `tts`, `ve`, `image`) or a synthetic type.
    public var type: String
    /// Tokens of the prompt (the first segment's context).
    public var promptTokenCount: Int
    /// The scripted life, in order.
    public var segments: [TraceSegment]
    /// `min(contextLimit, Σ decode + Σ returned)`: the `max_tokens` InferCept's harness sends.
    public var maxOutputTokenCount: Int

    /// A request with an explicitly given output limit.
    public init(key: String, type: String, promptTokenCount: Int, segments: [TraceSegment], maxOutputTokenCount: Int) {
        self.key = key
        self.type = type
        self.promptTokenCount = promptTokenCount
        self.segments = segments
        self.maxOutputTokenCount = maxOutputTokenCount
    }

    /// A request whose output limit is computed the way InferCept's harness does it:
    /// `min(contextLimit, Σ decode + Σ returned)`.
    public init(key: String, type: String, promptTokenCount: Int, segments: [TraceSegment], contextLimit: Int) {
        let total = segments.reduce(0) { $0 + $1.decodeTokenCount + ($1.call?.returnedTokenCount ?? 0) }
        self.init(
            key: key, type: type, promptTokenCount: promptTokenCount, segments: segments,
            maxOutputTokenCount: min(contextLimit, total))
    }

    /// Number of interceptions.
    public var callCount: Int { segments.reduce(0) { $0 + ($1.call == nil ? 0 : 1) } }
    /// Σ call durations.
    public var totalCallDuration: Duration { segments.reduce(.zero) { $0 + ($1.call?.duration ?? .zero) } }
    /// Σ decode tokens over every segment (before the output limit cuts anything).
    public var decodeTokenCount: Int { segments.reduce(0) { $0 + $1.decodeTokenCount } }
    /// Σ tokens returned by the calls.
    public var returnedTokenCount: Int { segments.reduce(0) { $0 + ($1.call?.returnedTokenCount ?? 0) } }
}
