import Foundation
import StructuredOutput
import Testing
import Workloads

/// Seeded generations with random logits restricted to the mask: every output must parse and
/// validate (checked by `SchemaValidator`, not by the compiler), and every generation must end.
@Suite struct GenerationTests {
    static let seedsPerSchema = 10
    static let maxTokens = 2_000

    struct Outcome {
        var text: String
        var tokenCount: Int
        var finished: Bool
    }

    /// Samples until `isComplete` (or EOS, allowed whenever `canFinish`). Choosing uniformly
    /// among the allowed tokens is what argmax over independent random logits does.
    static func generate(_ grammar: Grammar, trie: TokenTrie, seed: UInt64) -> Outcome {
        var random = SeededRandom(seed: seed)
        var matcher = GrammarMatcher(grammar)
        var mask = trie.makeMask()
        var bytes: [UInt8] = []
        var tokenCount = 0
        while tokenCount < maxTokens, !matcher.isComplete {
            trie.allowedTokens(matcher, into: &mask)
            let eos = matcher.canFinish ? 1 : 0
            let choices = mask.count + eos
            guard choices > 0 else { break }
            let rank = random.nextInt(below: choices)
            guard let token = mask.tokenID(atRank: rank), let tokenBytes = trie.bytes(of: token) else {
                return Outcome(text: String(decoding: bytes, as: UTF8.self), tokenCount: tokenCount, finished: true)
            }
            guard matcher.advance(bytes: tokenBytes) else { break }
            bytes += tokenBytes
            tokenCount += 1
        }
        return Outcome(text: String(decoding: bytes, as: UTF8.self), tokenCount: tokenCount, finished: matcher.isComplete)
    }

    /// Runs every schema × seed on `trie`; returns failures as readable lines.
    static func runAll(trie: TokenTrie) throws -> (passed: Int, failures: [String]) {
        var passed = 0
        var failures: [String] = []
        for (schemaIndex, testCase) in TestSchemas.all.enumerated() {
            let schema = try TestSchemas.schema(testCase)
            let grammar = try Grammar.jsonSchema(schema, limits: TestSchemas.limits)
            for seedIndex in 0 ..< seedsPerSchema {
                let outcome = generate(grammar, trie: trie, seed: UInt64(schemaIndex * 1_000 + seedIndex))
                if let problem = problem(outcome, schema) {
                    failures.append("\(testCase.name) seed \(seedIndex): \(problem) — \(outcome.text)")
                } else {
                    passed += 1
                }
            }
        }
        return (passed, failures)
    }

    static func problem(_ outcome: Outcome, _ schema: JSONValue) -> String? {
        guard outcome.tokenCount <= maxTokens, outcome.finished || outcome.tokenCount < maxTokens else {
            return "did not terminate within \(maxTokens) tokens"
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(outcome.text.utf8), options: [.fragmentsAllowed]) else {
            return "does not parse"
        }
        return SchemaValidator.violation(value, schema)
    }

    @Test("200 generations over 20 schemas, synthetic vocabulary")
    func syntheticGenerations() throws {
        let result = try Self.runAll(trie: Vocabularies.syntheticTrie)
        #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
        #expect(result.passed == TestSchemas.all.count * Self.seedsPerSchema)
        #expect(result.passed == 200)
    }

    @Test("200 generations over 20 schemas, SmolLM2 vocabulary", .enabled(if: Vocabularies.modelPath != nil, Vocabularies.modelMissingNote))
    func realGenerations() throws {
        let trie = try #require(Vocabularies.realTrie)
        let result = try Self.runAll(trie: trie)
        #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
        #expect(result.passed == 200)
    }

    @Test("generation is deterministic for a seed")
    func deterministic() throws {
        let grammar = try Grammar.jsonSchema(TestSchemas.schema(TestSchemas.all[9]), limits: TestSchemas.limits)
        let first = Self.generate(grammar, trie: Vocabularies.syntheticTrie, seed: 42)
        let second = Self.generate(grammar, trie: Vocabularies.syntheticTrie, seed: 42)
        #expect(first.text == second.text)
        #expect(first.finished)
    }

    @Test("json_object with the standard limits always ends with a valid object")
    func jsonObjectGenerations() throws {
        for seed in 0 ..< UInt64(10) {
            let outcome = Self.generate(.anyJSONObject(), trie: Vocabularies.syntheticTrie, seed: seed)
            let value = try JSONSerialization.jsonObject(with: Data(outcome.text.utf8))
            #expect(value is [String: Any], "\(outcome.text)")
            #expect(outcome.finished)
        }
    }
}
