import Tokenization

/// Text of an exact token count for the model's tokenizer: words that are each one token with
/// their leading space (the pre-tokenizer splits at spaces, so a run of them stays one token per
/// word). Which words follow each other depends on a key, so two requests share a prefix only
/// when the workload says they do (the same dataset conversation), as in the simulator.
public struct FillerText: Sendable {
    public let words: [String]

    /// `words` (an empty list falls back to `" the"`, so no input can leave it without a word).
    public init(words: [String]) {
        self.words = words.isEmpty ? [" the"] : words
    }

    /// Up to `limit` lowercase words of 3–8 letters that the tokenizer encodes, space included,
    /// as one token each.
    public init(tokenizer: Tokenizer, limit: Int = 512) {
        var words: [String] = []
        for id in 0..<Int32(tokenizer.vocabularySize) where words.count < limit {
            guard !tokenizer.isControl(id), let text = try? tokenizer.decode([id]), text.first == " " else { continue }
            let word = text.dropFirst()
            guard (3...8).contains(word.count), word.allSatisfy({ $0.isASCII && $0.isLowercase }) else { continue }
            guard tokenizer.encode(text) == [id] else { continue }
            words.append(text)
        }
        self.init(words: words)
    }

    /// `count` words (one token each) chosen by `key`.
    public func text(tokens count: Int, key: UInt64) -> String {
        var text = ""
        text.reserveCapacity(count * 7)
        var state = key
        for _ in 0..<max(0, count) {
            state = Self.mix(state &+ 0x9E37_79B9_7F4A_7C15)
            text += words[Int(state % UInt64(words.count))]
        }
        return text
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable 64-bit key of a string (FNV-1a).
    public static func key(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
