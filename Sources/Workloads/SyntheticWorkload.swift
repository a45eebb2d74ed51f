/// Seeded generators of synthetic augmented requests for tests and what-if runs. Each archetype
/// mimics one family of the InferCept mixture; sizes are drawn uniformly from fixed ranges.
public enum SyntheticWorkload {
    /// A family of synthetic requests; its raw value becomes the request's `type`.
    public enum Archetype: String, Sendable, CaseIterable {
        /// Short prompt, several microsecond calculator calls.
        case calculator
        /// Short prompt, long human-like pauses (10–60 s).
        case human
        /// No calls: plain chat.
        case chat
        /// Long prompt, many short environment steps.
        case environment
    }

    /// `count` requests (none if `count <= 0`) cycling through `types` (every archetype when
    /// empty), sized by draws from `seed`: the same arguments give the same workload. Prompts and
    /// outputs stay under 1,800 tokens, so they fit the default 2,048-token context.
    public static func make(types: [Archetype] = Archetype.allCases, count: Int, seed: UInt64, contextLimit: Int = 2048) -> Workload {
        var random = SeededRandom(seed: seed)
        let kinds = types.isEmpty ? Archetype.allCases : types
        let requests = (0..<max(0, count)).map { index in
            request(kinds[index % kinds.count], key: "synthetic-\(index)", random: &random, contextLimit: contextLimit)
        }
        return Workload(name: "synthetic", requests: requests, contextLimit: contextLimit)
    }

    static func request(_ archetype: Archetype, key: String, random: inout SeededRandom, contextLimit: Int) -> TraceRequest {
        func between(_ low: Int, _ high: Int) -> Int { low + random.nextInt(below: high - low + 1) }
        var segments: [TraceSegment] = []
        let prompt: Int
        switch archetype {
        case .calculator:
            prompt = between(200, 500)
            for _ in 0..<between(1, 4) {
                let call = TraceCall(kind: .calculator, duration: .microseconds(between(50, 200)), returnedTokenCount: between(15, 30))
                segments.append(TraceSegment(decodeTokenCount: between(30, 120), call: call))
            }
            segments.append(TraceSegment(decodeTokenCount: between(30, 120)))
        case .human:
            prompt = between(50, 200)
            for _ in 0..<between(1, 3) {
                let call = TraceCall(kind: .humanFollowup, duration: .seconds(between(10, 60)), returnedTokenCount: between(10, 60))
                segments.append(TraceSegment(decodeTokenCount: between(50, 200), call: call))
            }
            segments.append(TraceSegment(decodeTokenCount: between(50, 200)))
        case .chat:
            prompt = between(50, 400)
            segments.append(TraceSegment(decodeTokenCount: between(100, 400)))
        case .environment:
            prompt = between(1200, 1600)
            for _ in 0..<between(3, 8) {
                let call = TraceCall(kind: .alfworldEnvironment, duration: .milliseconds(between(300, 700)), returnedTokenCount: between(5, 15))
                segments.append(TraceSegment(decodeTokenCount: between(2, 6), call: call))
            }
            segments.append(TraceSegment(decodeTokenCount: between(2, 6)))
        }
        return TraceRequest(key: key, type: archetype.rawValue, promptTokenCount: prompt, segments: segments, contextLimit: contextLimit)
    }
}
