import Testing
import Workloads
@testable import Tokenization

@Suite("Streaming detokenization never emits half a character")
struct StreamingDecoderTests {
    /// Feeds `ids` one at a time; returns the chunks (plus the final flush).
    static func stream(_ ids: [Int32], _ tokenizer: Tokenizer, skipSpecial: Bool = false) throws -> [String] {
        var decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecial: skipSpecial)
        var chunks = try ids.map { id throws(TokenizerError) in try decoder.append(id) }
        chunks.append(decoder.finish())
        return chunks
    }

    @Test("emoji and CJK split across tokens", .enabled(if: TestSupport.installedModelPath != nil, TestSupport.modelMissingNote),
          arguments: ["I love 🦙 and 🤗! 👍🏽 👨‍👩‍👧 ❤️", "你好，世界！日本語のテキスト。한국어 문장", "Привет 🏳️‍🌈 café"])
    func multiByte(text: String) throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let ids = tokenizer.encode(text)
        let chunks = try Self.stream(ids, tokenizer)
        #expect(chunks.joined() == text)
        #expect(chunks.allSatisfy { !$0.unicodeScalars.contains("\u{FFFD}") })
        #expect(chunks.contains(""), "some token should end inside a character and be held back")
        // Every held-back prefix plus its chunks is a prefix of the text at a scalar boundary.
        var emitted = ""
        for chunk in chunks {
            emitted += chunk
            #expect(text.unicodeScalars.starts(with: emitted.unicodeScalars))
        }
    }

    @Test("one byte per token: characters appear only when complete")
    func bytePerToken() throws {
        let tokenizer = try TestSupport.byteTokenizer()
        let text = "a🦙é日"
        let ids = Array(text.utf8).compactMap { tokenizer.id(for: TestSupport.byteLevel([$0])) }
        #expect(ids.count == text.utf8.count)
        let chunks = try Self.stream(ids, tokenizer)
        #expect(chunks == ["a", "", "", "", "🦙", "", "é", "", "", "日", ""])
    }

    @Test("invalid bytes become U+FFFD, and streaming equals decoding all at once")
    func invalidBytesMatchDecode() throws {
        let tokenizer = try TestSupport.byteTokenizer()
        let interesting: [UInt8] = [0x41, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xA0, 0xED, 0x9F, 0xA0, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF, 0xE2, 0x82, 0xAC]
        let idOf = (0 ... 255).map { tokenizer.id(for: TestSupport.byteLevel([UInt8($0)])) }
        var generator = SeededRandom(seed: 1)
        for _ in 0 ..< 3000 {
            let bytes = (0 ..< Int(generator.next() % 9)).map { _ in interesting[Int(generator.next() % UInt64(interesting.count))] }
            let ids = bytes.compactMap { idOf[Int($0)] }
            let streamed = try Self.stream(ids, tokenizer).joined()
            #expect(streamed == (try tokenizer.decode(ids)), "bytes \(bytes)")
        }
        #expect(try Self.stream([idOf[0xF0]!, idOf[0x9F]!, idOf[0x41]!], tokenizer) == ["", "", "\u{FFFD}A", ""])
        #expect(try Self.stream([idOf[0xE2]!, idOf[0x82]!], tokenizer) == ["", "", "\u{FFFD}"])
        #expect(try Self.stream([idOf[0xFF]!], tokenizer) == ["\u{FFFD}", ""])
    }

    @Test("skipSpecial drops control tokens from the stream", .enabled(if: TestSupport.installedModelPath != nil, TestSupport.modelMissingNote))
    func skipsSpecial() throws {
        let tokenizer = try #require(TestSupport.smolLM)
        let ids = tokenizer.encode("Paris.<|im_end|>", parseSpecial: true)
        #expect(try Self.stream(ids, tokenizer, skipSpecial: true).joined() == "Paris.")
        #expect(try Self.stream(ids, tokenizer).joined() == "Paris.<|im_end|>")
    }
}
