/// Seeded generators of synthetic augmented requests for tests and what-if runs. Each archetype
/// mimics one of InferCept's families at a smaller scale.
public enum SyntheticWorkload {
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

    /// `count` requests cycling through `archetypes`, sized by seeded draws.
    public static func make(archetypes: [Archetype] = Archetype.allCases, count: Int, seed: UInt64, contextLimit: Int = 2048) -> Workload {
        var random = SeededRandom(seed: seed)
        let kinds = archetypes.isEmpty ? Archetype.allCases : archetypes
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
