/// Which external call intercepts a segment (the tool's name; predictors key on it).
public struct CallKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let calculator = CallKind("calculator")
    public static let wikipedia = CallKind("wikipedia")
    public static let alfworldEnvironment = CallKind("alfworld_env")
    public static let humanFollowup = CallKind("human_followup")
    public static let barkTTS = CallKind("bark_tts")
    public static let stableDiffusion = CallKind("stable_diffusion")
}

/// An interception: how long it takes and how many tokens it appends to the context.
public struct TraceCall: Sendable, Equatable, Hashable {
    public var kind: CallKind
    public var duration: Duration
    public var returnedTokenCount: Int

    public init(kind: CallKind, duration: Duration, returnedTokenCount: Int) {
        self.kind = kind
        self.duration = duration
        self.returnedTokenCount = returnedTokenCount
    }
}

/// Decode `decodeTokenCount` tokens, then (optionally) be intercepted by `call`.
public struct TraceSegment: Sendable, Equatable, Hashable {
    public var decodeTokenCount: Int
    public var call: TraceCall?

    public init(decodeTokenCount: Int, call: TraceCall? = nil) {
        self.decodeTokenCount = decodeTokenCount
        self.call = call
    }
}

/// One request of a workload: a prompt and a scripted life of segments.
public struct TraceRequest: Sendable, Equatable, Hashable {
    /// The dataset key.
    public var key: String
    /// The augmentation type (`math`, `chatbot`, `qa`, `tts`, `ve`, `image`) or a synthetic type.
    public var type: String
    public var promptTokenCount: Int
    public var segments: [TraceSegment]
    /// `min(contextLimit, Σ decode + Σ returned)`: the harness's `max_tokens`.
    public var maxOutputTokenCount: Int

    public init(key: String, type: String, promptTokenCount: Int, segments: [TraceSegment], maxOutputTokenCount: Int) {
        self.key = key
        self.type = type
        self.promptTokenCount = promptTokenCount
        self.segments = segments
        self.maxOutputTokenCount = maxOutputTokenCount
    }

    /// Builds a request, computing `maxOutputTokenCount` the way InferCept's harness does.
    public init(key: String, type: String, promptTokenCount: Int, segments: [TraceSegment], contextLimit: Int) {
        let total = segments.reduce(0) { $0 + $1.decodeTokenCount + ($1.call?.returnedTokenCount ?? 0) }
        self.init(
            key: key, type: type, promptTokenCount: promptTokenCount, segments: segments,
            maxOutputTokenCount: min(contextLimit, total))
    }

    public var callCount: Int { segments.reduce(0) { $0 + ($1.call == nil ? 0 : 1) } }
    public var totalCallDuration: Duration { segments.reduce(.zero) { $0 + ($1.call?.duration ?? .zero) } }
}

/// A named set of requests and the model context limit they are replayed under.
public struct Workload: Sendable, Equatable {
    public var name: String
    public var requests: [TraceRequest]
    public var contextLimit: Int

    public init(name: String, requests: [TraceRequest], contextLimit: Int = 2048) {
        self.name = name
        self.requests = requests
        self.contextLimit = contextLimit
    }

    /// Requests per type, for summaries.
    public var typeCounts: [(type: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for request in requests {
            if counts[request.type] == nil { order.append(request.type) }
            counts[request.type, default: 0] += 1
        }
        return order.map { ($0, counts[$0] ?? 0) }
    }
}
