import Testing
@testable import Tokenization

@Suite("BPE merging and special tokens on small vocabularies")
struct BytePairTests {
    @Test("merges apply by rank, leftmost first")
    func mergeOrder() throws {
        // ranks: "a a" first, then "aa a", then "b c".
        let tokenizer = try TestSupport.byteTokenizer(extraTokens: ["aa", "aaa", "bc"], merges: ["a a", "aa a", "b c"])
        let aa = try #require(tokenizer.id(for: "aa"))
        let aaa = try #require(tokenizer.id(for: "aaa"))
        let a = try #require(tokenizer.id(for: "a"))
        #expect(tokenizer.encode("aaa") == [aaa])  // aa+a, then aa a → aaa
        #expect(tokenizer.encode("aaaa") == [aa, aa])  // leftmost pairs merge first: aa aa, no "aa aa" rule
        #expect(tokenizer.encode("aaaaa") == [aa, aaa])  // (aa)(aa)a → aa (aa a)
        #expect(tokenizer.encode("a") == [a])
        #expect(try tokenizer.decode(tokenizer.encode("abcaaa bc")) == "abcaaa bc")
    }

    @Test("lower rank wins over position")
    func rankBeatsPosition() throws {
        let tokenizer = try TestSupport.byteTokenizer(extraTokens: ["bc", "ab"], merges: ["b c", "a b"])
        #expect(tokenizer.encode("abc").map { tokenizer.token(for: $0) } == ["a", "bc"])
    }

    @Test("long pieces merge correctly (heap path, no quadratic blow-up)")
    func longPiece() throws {
        let tokenizer = try TestSupport.byteTokenizer(extraTokens: ["aa", "aaaa"], merges: ["a a", "aa aa"])
        let ids = tokenizer.encode(String(repeating: "a", count: 100_001))
        #expect(ids.count == 25_000 + 1)
        #expect(try tokenizer.decode(ids).count == 100_001)
    }

    @Test("control tokens only with parseSpecial; user-defined tokens always")
    func specialTokens() throws {
        let tokenizer = try TestSupport.byteTokenizer(
            extraTokens: ["<|im_start|>", "<|im", "<tool>"], extraTypes: [.control, .control, .userDefined])
        let start = try #require(tokenizer.id(for: "<|im_start|>"))
        let tool = try #require(tokenizer.id(for: "<tool>"))
        #expect(tokenizer.encode("x<|im_start|>y", parseSpecial: true).contains(start))
        #expect(tokenizer.encode("<|im_start|>", parseSpecial: true) == [start])  // longest match wins over "<|im"
        #expect(!tokenizer.encode("<|im_start|>", parseSpecial: false).contains(start))
        #expect(tokenizer.encode("a<tool>b", parseSpecial: false).contains(tool))
        #expect(try tokenizer.decode([start]) == "<|im_start|>")
        #expect(try tokenizer.decode([start], skipSpecial: true) == "")
        #expect(try tokenizer.decode([tool], skipSpecial: true) == "<tool>")
    }

    @Test("bytes without a token are dropped, as llama.cpp does")
    func missingByteTokens() throws {
        let tokens = (0 ... 255).filter { $0 != 4 }.map { TestSupport.byteLevel([UInt8($0)]) }
        let tokenizer = try Tokenizer(tokens: tokens, merges: [])
        #expect(try tokenizer.decode(tokenizer.encode("a\u{4}b")) == "ab")
    }

    @Test("unknown ids are an error when decoding")
    func unknownID() throws {
        let tokenizer = try TestSupport.byteTokenizer()
        #expect(throws: TokenizerError.unknownTokenID(256)) { try tokenizer.decode([256]) }
        #expect(throws: TokenizerError.unknownTokenID(-1)) { try tokenizer.decode([-1]) }
        #expect(tokenizer.token(for: 9999) == nil)
    }
}
