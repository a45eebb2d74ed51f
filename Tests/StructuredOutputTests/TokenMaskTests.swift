import StructuredOutput
import Testing
import Workloads

/// `allowedTokens` against brute force (advance a copy of the matcher by every token's bytes)
/// in states reached by random valid byte walks, which reach states the trie never chose.
@Suite struct TokenMaskTests {
    /// The bytes the matcher accepts next.
    static func acceptedBytes(_ matcher: GrammarMatcher) -> [UInt8] {
        (0 ... 255).map { UInt8($0) }.filter { byte in
            var copy = matcher
            return copy.advance(byte: byte)
        }
    }

    /// States along a random walk, every `stride` bytes.
    static func walkStates(_ grammar: Grammar, seed: UInt64, stride: Int, maxBytes: Int = 400) -> [GrammarMatcher] {
        var random = SeededRandom(seed: seed)
        var matcher = GrammarMatcher(grammar)
        var states = [matcher]
        for step in 1 ... maxBytes {
            let bytes = acceptedBytes(matcher)
            guard !bytes.isEmpty else { break }
            matcher.advance(byte: bytes[random.nextInt(below: bytes.count)])
            if step % stride == 0 { states.append(matcher) }
        }
        return states
    }

    static func bruteForce(_ matcher: GrammarMatcher, vocabulary: [[UInt8]?]) -> [Int32] {
        vocabulary.indices.compactMap { id in
            guard let bytes = vocabulary[id], !bytes.isEmpty else { return nil }
            var copy = matcher
            return copy.advance(bytes: bytes) ? Int32(id) : nil
        }
    }

    static let grammars: [(String, Grammar)] = {
        var result = TestSchemas.all.compactMap { testCase -> (String, Grammar)? in
            guard let schema = try? TestSchemas.schema(testCase), let grammar = try? Grammar.jsonSchema(schema, limits: TestSchemas.limits) else { return nil }
            return (testCase.name, grammar)
        }
        result.append(("json_object", .anyJSONObject()))
        result.append(("tool calls", ToolCallGrammar.twoTools))
        for (name, text) in extraSchemas {
            if let schema = try? JSONValue(parsing: text), let grammar = try? Grammar.jsonSchema(schema, limits: TestSchemas.limits) {
                result.append((name, grammar))
            }
        }
        return result
    }()

    /// Two stacks inside strings at once (different length caps), and a large enum.
    static let extraSchemas: [(String, String)] = [
        ("strings in two alternatives", #"{"anyOf":[{"type":"object","properties":{"name":{"type":"string","maxLength":3},"x":{"type":"integer"}},"required":["name","x"]},{"type":"object","properties":{"name":{"type":"string","minLength":2,"maxLength":9}},"required":["name"]}]}"#),
        ("large enum", #"{"enum":["# + (0 ..< 300).map { "\"\(["a", "ab", "abc", "b", "ba"][$0 % 5])\($0)\"" }.joined(separator: ",") + "]}"),
    ]

    @Test("mask equals brute force on the synthetic vocabulary")
    func syntheticMatchesBruteForce() {
        #expect(Self.grammars.count == 24)
        let trie = Vocabularies.syntheticTrie
        var mask = trie.makeMask()
        var checked = 0
        for (index, (name, grammar)) in Self.grammars.enumerated() {
            for matcher in Self.walkStates(grammar, seed: UInt64(index), stride: 3) {
                trie.allowedTokens(matcher, into: &mask)
                let expected = Self.bruteForce(matcher, vocabulary: Vocabularies.synthetic)
                #expect(mask.tokenIDs == expected, "\(name)")
                checked += 1
            }
        }
        #expect(checked > 300)
    }

    @Test("mask equals brute force on SmolLM2's vocabulary", .enabled(if: Vocabularies.modelPath != nil, Vocabularies.modelMissingNote))
    func realMatchesBruteForce() throws {
        let trie = try #require(Vocabularies.realTrie)
        let vocabulary = try #require(Vocabularies.real)
        var mask = trie.makeMask()
        var nonEmptyStates = 0
        for (index, (name, grammar)) in Self.grammars.enumerated() {
            // A few states per grammar: the start, inside strings, numbers, after separators.
            for matcher in Self.walkStates(grammar, seed: UInt64(100 + index), stride: 9, maxBytes: 27) {
                trie.allowedTokens(matcher, into: &mask)
                let expected = Self.bruteForce(matcher, vocabulary: vocabulary)
                #expect(mask.tokenIDs == expected, "\(name)")
                if !expected.isEmpty { nonEmptyStates += 1 }
            }
        }
        #expect(nonEmptyStates > 40)
    }

    @Test("the benchmark's hard states exist and their masks equal brute force", .enabled(if: Vocabularies.modelPath != nil, Vocabularies.modelMissingNote))
    func hardStates() throws {
        let trie = try #require(Vocabularies.realTrie)
        let vocabulary = try #require(Vocabularies.real)
        let states = try MaskBenchmark.hardStates()
        #expect(states.count == 14)
        var mask = trie.makeMask()
        for state in states {
            trie.allowedTokens(state.matcher, into: &mask)
            #expect(mask.tokenIDs == Self.bruteForce(state.matcher, vocabulary: vocabulary), "\(state.name)")
            #expect(!mask.isEmpty, "\(state.name)")
        }
    }

    @Test("cached and uncached masks agree; repeated states hit the cache")
    func cacheIsTransparent() throws {
        let uncached = TokenTrie(vocabulary: Vocabularies.synthetic, cacheCapacity: 0)
        let cached = TokenTrie(vocabulary: Vocabularies.synthetic, cacheCapacity: 4)
        var first = cached.makeMask(), second = cached.makeMask()
        for (index, (_, grammar)) in Self.grammars.enumerated() {
            for matcher in Self.walkStates(grammar, seed: UInt64(200 + index), stride: 5, maxBytes: 100) {
                cached.allowedTokens(matcher, into: &first)
                cached.allowedTokens(matcher, into: &second)
                #expect(first == second)
                uncached.allowedTokens(matcher, into: &second)
                #expect(first == second)
            }
        }
        #expect(cached.cacheStatistics.hits > 0)
        #expect(uncached.cacheStatistics.hits == 0)
    }

    @Test("never-allowed tokens stay out, a finished matcher allows nothing, a wrong-sized mask is resized")
    func edges() throws {
        let trie = TokenTrie(vocabulary: [Array("{".utf8), nil, Array("}".utf8), [], Array("{}".utf8)])
        var matcher = GrammarMatcher(try Grammar.jsonSchema(["type": "object", "additionalProperties": false]))
        var mask = TokenMask(vocabularySize: 1)
        trie.allowedTokens(matcher, into: &mask)
        #expect(mask.vocabularySize == 5)
        #expect(mask.tokenIDs == [0, 4])
        #expect(trie.advance(&matcher, by: 4))
        #expect(matcher.isComplete)
        trie.allowedTokens(matcher, into: &mask)
        #expect(mask.isEmpty)
        #expect(!trie.advance(&matcher, by: 1))
    }

    @Test func maskOperations() {
        var mask = TokenMask(vocabularySize: 130)
        for id: Int32 in [0, 63, 64, 129, 130, -1] { mask.insert(id) }
        #expect(mask.tokenIDs == [0, 63, 64, 129])
        #expect(mask.count == 4)
        #expect(mask.tokenID(atRank: 2) == 64)
        #expect(mask.tokenID(atRank: 4) == nil)
        #expect(!mask.contains(130) && !mask.contains(-5))
        mask.remove(63)
        var logits = [Float](repeating: 1, count: 131)
        mask.apply(to: &logits)
        #expect(logits.indices.filter { logits[$0] == 1 } == [0, 64, 129])
        mask.removeAll()
        #expect(mask.isEmpty)
    }
}
