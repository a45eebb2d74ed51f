import Testing
@testable import Tokenization

/// The real SmolLM2 tokenizer against the reference ids from llama.cpp (`golden.json`).
@Suite("SmolLM2 tokenizer vs the golden reference", .enabled(if: TestSupport.installedModelPath != nil, TestSupport.modelMissingNote))
struct GoldenTokenizerTests {
    @Test("the golden file loads with all 18 cases")
    func fixture() {
        #expect(TestSupport.tokenizerCases.count == 18)
        if case .failure(let error) = TestSupport.smolLMResult { Issue.record("tokenizer: \(error)") }
    }

    @Test("ids, pieces and round trip", arguments: TestSupport.tokenizerCases)
    func goldenCase(_ golden: TestSupport.TokenizerCase) throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let ids = tokenizer.encode(golden.text, parseSpecial: golden.parseSpecial)
        #expect(ids == golden.ids)
        #expect(ids.map { tokenizer.token(for: $0) ?? "?" } == golden.pieces)
        #expect(try tokenizer.decode(ids) == golden.decoded)
        #expect(try tokenizer.decode(ids) == golden.text)
    }

    @Test("metadata: vocabulary, special ids and token types")
    func metadata() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.specialTokenIDs == SpecialTokenIDs(bos: 1, eos: 2, padding: 2, unknown: 0))
        #expect(tokenizer.preTokenizer == .smollm)
        #expect(tokenizer.id(for: "<|im_start|>") == 1 && tokenizer.isControl(1))
        #expect((0 ..< 17).allSatisfy { tokenizer.isControl($0) } && !tokenizer.isControl(17))
    }

    @Test("greedy continuations decode to the reference text")
    func greedyText() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let cases = try #require(TestSupport.golden).greedyCases
        #expect(cases.count == 3)
        for greedy in cases {
            #expect(tokenizer.encode(greedy.promptText, parseSpecial: true) == greedy.promptIds)
            #expect(try tokenizer.decode(greedy.generatedIds) == greedy.generatedText)
        }
    }

    @Test("skipSpecial drops control tokens only")
    func skipSpecial() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let ids = tokenizer.encode("<|im_start|>user\nhi<|im_end|>", parseSpecial: true)
        #expect(ids.first == 1 && ids.last == 2)
        #expect(try tokenizer.decode(ids, skipSpecial: true) == "user\nhi")
    }

    @Test("edge texts round-trip exactly", arguments: [
        "", " ", "   ", "\n\n\n", " \t\r\n \u{3000}\u{a0}", "0123456789", "00000000000000000000", "٣٤٥ ½ Ⅻ ²",
        "a  1", "x\u{301}\u{302}y", "'s 'S ''ll", String(repeating: "ab", count: 30), "\u{0}\u{1}\u{7f}",
        "🦙🦙🦙 🏳️‍🌈 한국어", "Ω≈ç√∫", "tab\tsep\tvalues\n",
    ])
    func edgeRoundTrip(text: String) throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let ids = tokenizer.encode(text)
        #expect(try tokenizer.decode(ids) == text)
        #expect(text.isEmpty == ids.isEmpty)
    }

    @Test("only digits: one token per digit")
    func onlyDigits() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        #expect(tokenizer.encode("0123456789") == [32, 33, 34, 35, 36, 37, 38, 39, 40, 41])
        #expect(tokenizer.encode("2025").count == 4)
    }

    @Test("only whitespace")
    func onlyWhitespace() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        #expect(tokenizer.encode(" ") == [216])
        #expect(tokenizer.encode("  ") == [256])  // "ĠĠ"
        #expect(try tokenizer.decode(tokenizer.encode("\n\n \t")) == "\n\n \t")
    }

    @Test("the cache gives the same ids on repeated and concurrent calls")
    func cacheConsistency() async throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let text = TestSupport.tokenizerCases.map(\.text).joined(separator: " ")
        let expected = tokenizer.encode(text, parseSpecial: true)
        let results = await withTaskGroup(of: [Int32].self) { group in
            for _ in 0 ..< 8 { group.addTask { tokenizer.encode(text, parseSpecial: true) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
