/// `stop`: one string or a list of strings.
public struct StopSequences: Decodable, Sendable, Equatable {
    public var values: [String]

    public init(_ values: [String]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(String.self) {
            values = [single]
        } else if let list = try? container.decode([String].self) {
            values = list
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a string or an array of strings")
        }
    }
}

/// `stream_options`.
public struct StreamOptions: Decodable, Sendable, Equatable {
    public var includeUsage: Bool?
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// The generation parameters chat and completions requests share (OpenAI's, and vLLM's extras).
public struct GenerationFields: Sendable, Equatable {
    public var model: String?
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var minP: Double?
    public var seed: Int?
    public var stop: [String]
    public var stopTokenIDs: [Int]
    public var ignoreEOS: Bool
    public var minTokens: Int?
    public var priority: Int?
    public var n: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var repetitionPenalty: Double?
    public var stream: Bool
    public var includeUsage: Bool
    public var user: String?
    /// OpenAI's `prompt_cache_key`: names a conversation (our session key).
    public var promptCacheKey: String?
    public var traceReplay: TraceReplayExtension?

    enum Keys: String, CodingKey {
        case model
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case temperature
        case topP = "top_p"
        case topK = "top_k"
        case minP = "min_p"
        case seed, stop
        case stopTokenIDs = "stop_token_ids"
        case ignoreEOS = "ignore_eos"
        case minTokens = "min_tokens"
        case priority, n
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case repetitionPenalty = "repetition_penalty"
        case stream
        case streamOptions = "stream_options"
        case user
        case promptCacheKey = "prompt_cache_key"
        case augserve
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        maxTokens = try Self.integer(c, .maxCompletionTokens) ?? Self.integer(c, .maxTokens)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        topK = try Self.integer(c, .topK)
        minP = try c.decodeIfPresent(Double.self, forKey: .minP)
        seed = try Self.integer(c, .seed)
        stop = try c.decodeIfPresent(StopSequences.self, forKey: .stop)?.values ?? []
        stopTokenIDs = try c.decodeIfPresent([Int].self, forKey: .stopTokenIDs) ?? []
        ignoreEOS = try c.decodeIfPresent(Bool.self, forKey: .ignoreEOS) ?? false
        minTokens = try Self.integer(c, .minTokens)
        priority = try Self.integer(c, .priority)
        n = try Self.integer(c, .n)
        presencePenalty = try c.decodeIfPresent(Double.self, forKey: .presencePenalty)
        frequencyPenalty = try c.decodeIfPresent(Double.self, forKey: .frequencyPenalty)
        repetitionPenalty = try c.decodeIfPresent(Double.self, forKey: .repetitionPenalty)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        includeUsage = try c.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)?.includeUsage ?? false
        user = try c.decodeIfPresent(String.self, forKey: .user)
        promptCacheKey = try c.decodeIfPresent(String.self, forKey: .promptCacheKey)
        traceReplay = try c.decodeIfPresent(TraceReplayExtension.self, forKey: .augserve)
    }

    /// An integer field; a number with a fraction or out of range is an error naming the field
    /// (the decoder alone reports it as "not valid JSON").
    static func integer(_ c: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> Int? {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
        if let value = try? c.decode(Int.self, forKey: key) { return value }
        if let number = try? c.decode(Double.self, forKey: key) {
            throw WireError("invalid '\(key.stringValue)': expected an integer, got \(number)", param: key.stringValue)
        }
        return try c.decode(Int.self, forKey: key)
    }
}

/// The trace-replay extension (our field `augserve`): the server plays these segments — after each
/// segment's decode count it pauses the request for the call's duration (a timer), then appends
/// that many filler tokens — so the InferCept workload runs end to end over HTTP.
public struct TraceReplayExtension: Decodable, Sendable, Equatable {
    public var requestClass: String?
    public var segments: [Segment]

    public struct Segment: Decodable, Sendable, Equatable {
        public var decode: Int
        public var call: Call?
    }

    public struct Call: Decodable, Sendable, Equatable {
        public var name: String
        public var durationSeconds: Double
        public var returnedTokens: Int
        enum CodingKeys: String, CodingKey {
            case name
            case durationSeconds = "duration_s"
            case returnedTokens = "returned_tokens"
        }
    }

    enum CodingKeys: String, CodingKey {
        case requestClass = "class"
        case segments
    }
}
