import Foundation
import ModelFiles
import StructuredOutput
import Testing
import Tokenization
import Workloads

/// The vocabularies the mask and generation tests run on: a synthetic one (always) and the
/// default model's (when installed).
enum Vocabularies {
    static let modelPath: String? = {
        let environment = ProcessInfo.processInfo.environment
        let path = DefaultModel.path(environment: environment)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    static let modelMissingNote: Comment = "model not installed: run `bash scripts/setup.sh`"

    /// SmolLM2's vocabulary, control tokens as nil.
    static let real: [[UInt8]?]? = {
        guard let modelPath, let file = try? GGUFFile(path: modelPath), let tokenizer = try? Tokenizer(file: file) else { return nil }
        return (0 ..< Int32(tokenizer.vocabularySize)).map { id in
            tokenizer.isControl(id) ? nil : try? tokenizer.bytes(of: [id], skipSpecial: false)
        }
    }()

    static let realTrie: TokenTrie? = real.map { TokenTrie(vocabulary: $0) }

    /// Every single byte (so any text can be spelled), JSON fragments that cross token
    /// boundaries the way BPE tokens do (`":`, `"},`, `\u00`, split UTF-8 sequences), a few
    /// nil (control) entries, and seeded random strings over a JSON-ish alphabet.
    static let synthetic: [[UInt8]?] = {
        var tokens: [[UInt8]?] = (0 ... 255).map { [UInt8($0)] }
        tokens.append(nil)
        let fragments = [
            "{\"", "\":", "\",", "\"}", "\"]", "},", "],", "[{", "{}", "[]", "}}", "]]", "\"\"", ",\"", ":\"", ":[", ":{",
            "true", "false", "null", "nul", "tr", "ue", "fa", "lse", "12", "345", "0.", ".5", "e+", "E-", "-1", "-0", "00",
            "1e", "99", "name", "\"name\":", "age", "\"age\":", "tags", "kind", "color", "red", "green", "blue", "reddish",
            "\\", "\\\"", "\\\\", "\\u", "\\u00", "e9", "d8", "D7ff", "\\n", "\\t\"", "\\/", "\"\\", "abc", " the", "Hello",
            "é", "€", "😀", "é\"", "\"é", "\"}]", "calculator", "<tool_call>", "</tool_call>", "<tool", "_call>", "\n", "\t",
            "expression", "arguments", "\"arguments\":{", "\"name\":\"", "\u{7F}", "x\"y", "\"x", "a\"", "1,", "2]", "3}",
        ]
        tokens += fragments.map { Array($0.utf8) }
        tokens += [[0xC3], [0xA9], [0xE2, 0x82], [0xAC], [0xF0, 0x9F], [0x98, 0x80], [0xA9, 0x22], [0xED, 0xA0], [0xC0, 0x80], [0x82, 0xAC, 0x22]]
        tokens.append(nil)
        var random = SeededRandom(seed: 7)
        let alphabet = Array("{}[]\",:0123456789.-+eEtrufalsn\\uabcé ".utf8)
        for _ in 0 ..< 600 {
            let length = 1 + random.nextInt(below: 5)
            tokens.append((0 ..< length).map { _ in alphabet[random.nextInt(below: alphabet.count)] })
        }
        return tokens
    }()

    static let syntheticTrie = TokenTrie(vocabulary: synthetic)
}
