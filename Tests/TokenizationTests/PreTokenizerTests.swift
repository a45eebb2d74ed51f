import Testing
@testable import Tokenization

@Suite("Pre-tokenizer: GPT-2 pattern and SmolLM digit isolation")
struct PreTokenizerTests {
    @Test("GPT-2 pattern pieces", arguments: [
        ("Hello, world!", ["Hello", ",", " world", "!"]),
        ("I'm you're he's they'll we've I'd can't", ["I", "'m", " you", "'re", " he", "'s", " they", "'ll", " we", "'ve", " I", "'d", " can", "'t"]),
        ("DON'T 'S", ["DON", "'", "T", " '", "S"]),  // contractions are case-sensitive
        ("x  y", ["x", " ", " y"]),  // \s+(?!\S) leaves the last space for " y"
        ("x \n y", ["x", " \n", " y"]),
        ("a\n\nb", ["a", "\n", "\n", "b"]),  // a single remaining \n is taken by \s+
        ("end  ", ["end", "  "]),  // trailing whitespace is one piece
        ("  lead", [" ", " lead"]),
        ("...?!", ["...?!"]),
        (" (x)", [" (", "x", ")"]),
        ("e\u{301}x", ["e", "\u{301}", "x"]),  // a combining mark is not \p{L}
        ("日本語 テキスト", ["日本語", " テキスト"]),
        ("\u{a0}x", ["\u{a0}", "x"]),  // NBSP is \s but not the optional U+0020
    ])
    func gpt2(text: String, expected: [String]) {
        #expect(PreTokenizer.gpt2.split(text) == expected)
    }

    @Test("SmolLM isolates every \\p{N} scalar before the GPT-2 pattern", arguments: [
        ("2025", ["2", "0", "2", "5"]),
        ("$1,234.56", ["$", "1", ",", "2", "3", "4", ".", "5", "6"]),
        ("a  1", ["a", "  ", "1"]),  // the lookahead does not see past a digit
        ("is 20%", ["is", " ", "2", "0", "%"]),
        ("x2 v1", ["x", "2", " v", "1"]),
        ("½Ⅻ٣", ["½", "Ⅻ", "٣"]),
        ("", []),
        ("   ", ["   "]),
    ])
    func smollm(text: String, expected: [String]) {
        #expect(PreTokenizer.smollm.split(text) == expected)
    }

    @Test("pieces always cover the text exactly")
    func coverage() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", " ", " ", "\n", "\t", "'", "s", "1", "9", ".", "é", "日", "🦙", "\u{301}", "\u{a0}", "-"]
        for _ in 0 ..< 500 {
            let text = String((0 ..< Int.random(in: 0 ... 24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            for preTokenizer in PreTokenizer.allCases {
                let pieces = preTokenizer.split(text)
                #expect(pieces.joined() == text)
                #expect(!pieces.contains(""))
            }
        }
    }

    @Test("unknown pre-tokenizer names are errors")
    func names() throws {
        #expect(try PreTokenizer.named("smollm") == .smollm)
        #expect(try PreTokenizer.named("default") == .gpt2)
        #expect(throws: TokenizerError.unsupportedPreTokenizer("llama-bpe")) { try PreTokenizer.named("llama-bpe") }
    }
}
