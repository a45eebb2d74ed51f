/// Named states known to be hard for mask computation, each timed on its own.
extension MaskBenchmark {
    /// A matcher state to time, with what it is.
    public struct NamedState: Sendable {
        /// What the state is (`inside a value string`, `start of a number` ...).
        public let name: String
        /// The matcher in that state.
        public let matcher: GrammarMatcher
    }

    /// The timing of one state.
    public struct StateTiming: Sendable {
        /// The state's name.
        public let name: String
        /// Tokens the mask allows there.
        public let allowedCount: Int
        /// Mean over the repeats.
        public let mean: Duration
        /// Fastest repeat.
        public let best: Duration
    }

    /// Inside strings (almost every token allowed; small length budget; after a backslash; in a
    /// `\u` escape; in a split UTF-8 character), at and inside numbers, after `{`, at a value's
    /// start, after a value, and inside the `<tool_call>` literal.
    public static func hardStates() throws(JSONSchemaError) -> [NamedState] {
        let scenarios = try standardScenarios()
        let flat = scenarios[0].grammar
        let toolCall = scenarios[scenarios.count - 1].grammar
        let anyObject = Grammar.anyJSONObject()
        let shortString = try Grammar.jsonSchema(
            ["type": "object", "properties": ["code": ["type": "string", "maxLength": 10]], "required": ["code"]])
        let flatPrefix = #"{"name":"x","age":1,"email":"e","active":true,"score":"#
        let cases: [(String, Grammar, [UInt8])] = [
            ("json_object: inside a value string", anyObject, Array(#"{"key":"Hello wor"#.utf8)),
            ("json_object: inside a key string", anyObject, Array(#"{"ke"#.utf8)),
            ("string: 5 of 10 characters left", shortString, Array(#"{"code":"abcde"#.utf8)),
            ("string: after a backslash", anyObject, Array(#"{"k":"a\"#.utf8)),
            ("string: inside a \\u escape", anyObject, Array(#"{"k":"a\u0"#.utf8)),
            ("string: inside a UTF-8 character", anyObject, Array(#"{"k":"a"#.utf8) + [0xE4]),
            ("flat object: start of a number", flat, Array(flatPrefix.utf8)),
            ("flat object: inside a number", flat, Array((flatPrefix + "12.5").utf8)),
            ("flat object: after {", flat, Array("{".utf8)),
            ("json_object: after {", anyObject, Array("{".utf8)),
            ("json_object: start of a value", anyObject, Array(#"{"k":"#.utf8)),
            ("json_object: after a nested value", anyObject, Array(#"{"k":[1,{"a":2}"#.utf8)),
            ("tool call: start", toolCall, []),
            ("tool call: inside <tool_call>", toolCall, Array("<tool_".utf8)),
        ]
        return cases.compactMap { name, grammar, prefix in
            var matcher = GrammarMatcher(grammar)
            return matcher.advance(bytes: prefix) ? NamedState(name: name, matcher: matcher) : nil
        }
    }

    /// Computes the mask of `state` `timingRepeats` times (at least 100).
    public func time(_ state: NamedState) -> StateTiming {
        let repeats = max(timingRepeats, 100)
        var mask = trie.makeMask()
        trie.allowedTokens(state.matcher, into: &mask)
        let clock = ContinuousClock()
        var best = Duration.seconds(1), total = Duration.zero
        for _ in 0 ..< repeats {
            let start = clock.now
            trie.allowedTokens(state.matcher, into: &mask)
            let elapsed = clock.now - start
            best = min(best, elapsed)
            total += elapsed
        }
        return StateTiming(name: state.name, allowedCount: mask.count, mean: total / repeats, best: best)
    }
}
