/// Times `TokenTrie.allowedTokens` along seeded random-logit generations (`augserve
/// bench-structured`): at each step the mask is computed (timed), a token is drawn uniformly
/// from it (what argmax over independent random logits does), EOS counting as one more choice
/// whenever the matcher may finish, until the value is complete or `maxTokens` is reached.
///
/// With `timingRepeats` > 1 each step's mask is computed that many times and the fastest time
/// kept: the cost of the state itself, without the preemptions and page faults of a busy
/// machine (use it with a trie whose cache is off, or every repeat after the first is a hit).
public struct MaskBenchmark: Sendable {
    /// A named grammar to generate.
    public struct Scenario: Sendable {
        /// Printed in the results.
        public let name: String
        /// What is generated.
        public let grammar: Grammar

        /// A scenario.
        public init(name: String, grammar: Grammar) {
            self.name = name
            self.grammar = grammar
        }
    }

    /// The timings of one scenario.
    public struct Result: Sendable {
        /// The scenario's name.
        public let name: String
        /// Mask computations timed.
        public let stepCount: Int
        /// Generations that reached a complete value (the rest hit `maxTokens`).
        public let completedCount: Int
        /// Generations run.
        public let generationCount: Int
        /// Mean time per mask computation.
        public let mean: Duration
        /// Median (p50) time.
        public let median: Duration
        /// 99th-percentile time.
        public let percentile99: Duration
        /// Slowest step.
        public let maximum: Duration
        /// The slowest step whose matcher was inside a string, and the slowest elsewhere.
        public let maximumInString: Duration
        /// The slowest step outside strings.
        public let maximumElsewhere: Duration
    }

    /// The vocabulary trie whose `allowedTokens` is timed.
    public let trie: TokenTrie
    /// Generations per scenario.
    public let generationCount: Int
    /// Token cap per generation.
    public let maxTokens: Int
    /// Seed of the first generation (each next one adds 1).
    public let seed: UInt64
    /// Timings per step, the fastest kept.
    public let timingRepeats: Int

    /// A benchmark; counts below 1 become 1.
    public init(trie: TokenTrie, generationCount: Int = 20, maxTokens: Int = 1_000, seed: UInt64 = 1, timingRepeats: Int = 1) {
        self.trie = trie
        self.generationCount = max(generationCount, 1)
        self.maxTokens = max(maxTokens, 1)
        self.seed = seed
        self.timingRepeats = max(timingRepeats, 1)
    }

    /// Computes each scenario's first mask once, untimed: the first call of a process touches
    /// the string tables' pages and builds the lexer table.
    public func warmUp(_ scenarios: [Scenario]) {
        var mask = trie.makeMask()
        for scenario in scenarios { trie.allowedTokens(GrammarMatcher(scenario.grammar), into: &mask) }
    }

    /// Flat object, nested object with arrays, enum-heavy, `json_object`, and a tool call
    /// (`<tool_call>{"name":"calculator","arguments":{"expression":"..."}}</tool_call>`), all with
    /// the standard limits.
    public static func standardScenarios() throws(JSONSchemaError) -> [Scenario] {
        var scenarios: [Scenario] = []
        for (name, text) in BenchmarkSchemas.schemas {
            guard let schema = try? JSONValue(parsing: text) else { continue }
            scenarios.append(Scenario(name: name, grammar: try .jsonSchema(schema)))
        }
        scenarios.append(Scenario(name: "json_object", grammar: .anyJSONObject()))
        if let call = try? JSONValue(parsing: BenchmarkSchemas.toolCall) {
            let grammar = Grammar.sequence([.literal("<tool_call>"), try .jsonSchema(call), .literal("</tool_call>")])
            scenarios.append(Scenario(name: "tool call", grammar: grammar))
        }
        return scenarios
    }

    /// Runs `generationCount` generations of `scenario`, seeds `seed ..< seed + generationCount`.
    public func run(_ scenario: Scenario) -> Result {
        var timings: [Duration] = []
        var inString = Duration.zero, elsewhere = Duration.zero
        var completed = 0
        var mask = trie.makeMask()
        let clock = ContinuousClock()
        for generation in 0 ..< generationCount {
            var random = SplitMix(seed: seed &+ UInt64(generation))
            var matcher = GrammarMatcher(scenario.grammar)
            for _ in 0 ..< maxTokens where !matcher.isComplete {
                var elapsed = Duration.seconds(1)
                for _ in 0 ..< timingRepeats {
                    let start = clock.now
                    trie.allowedTokens(matcher, into: &mask)
                    elapsed = min(elapsed, clock.now - start)
                }
                timings.append(elapsed)
                if matcher.isInsideString { inString = max(inString, elapsed) } else { elsewhere = max(elsewhere, elapsed) }
                let choices = mask.count + (matcher.canFinish ? 1 : 0)
                guard choices > 0, let token = mask.tokenID(atRank: random.next(below: choices)) else { break }
                guard trie.advance(&matcher, by: token) else { break }
            }
            if matcher.canFinish { completed += 1 }
        }
        return summarize(scenario.name, timings, completed: completed, inString: inString, elsewhere: elsewhere)
    }

    private func summarize(_ name: String, _ timings: [Duration], completed: Int, inString: Duration, elsewhere: Duration) -> Result {
        let sorted = timings.sorted()
        let total = sorted.reduce(Duration.zero, +)
        func percentile(_ fraction: Double) -> Duration {
            sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        }
        return Result(
            name: name, stepCount: sorted.count, completedCount: completed, generationCount: generationCount,
            mean: sorted.isEmpty ? .zero : total / sorted.count, median: percentile(0.5), percentile99: percentile(0.99),
            maximum: sorted.last ?? .zero, maximumInString: inString, maximumElsewhere: elsewhere)
    }
}

extension GrammarMatcher {
    /// Whether some stack is inside a string (the state the string tables answer).
    var isInsideString: Bool { stacks.contains { TokenTrie.isInsideString($0, program) } }
}

/// splitmix64: the benchmark's seeded draws (this module depends on nothing else).
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func next(below bound: Int) -> Int { bound > 0 ? Int(next() % UInt64(bound)) : 0 }
}

/// The benchmark's schemas.
enum BenchmarkSchemas {
    static let schemas: [(String, String)] = [
        ("flat object", #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":150},"email":{"type":"string","maxLength":64},"active":{"type":"boolean"},"score":{"type":"number"}},"required":["name","age","email","active","score"]}"#),
        ("nested with arrays", #"{"type":"object","properties":{"order":{"type":"object","properties":{"id":{"type":"integer"},"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","maxLength":12},"quantity":{"type":"integer","minimum":1,"maximum":99},"tags":{"type":"array","items":{"type":"string","maxLength":16},"maxItems":4}},"required":["sku","quantity"]},"maxItems":5}},"required":["id","items"]},"notes":{"type":["string","null"],"maxLength":80}},"required":["order","notes"]}"#),
        ("enum heavy", #"{"type":"object","properties":{"country":{"enum":["France","Germany","Greece","Guatemala","Guinea","Italy","Japan","Jamaica","Spain","Sweden","Switzerland"]},"unit":{"enum":["celsius","fahrenheit","kelvin"]},"level":{"enum":[1,2,3,10,20,30,100]},"flags":{"type":"array","items":{"enum":["red","reddish","green","blue",null,true]},"maxItems":8},"mode":{"const":"strict"}},"required":["country","unit","level","flags","mode"]}"#),
    ]

    static let toolCall = #"{"type":"object","properties":{"name":{"const":"calculator"},"arguments":{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}},"required":["name","arguments"]}"#
}
