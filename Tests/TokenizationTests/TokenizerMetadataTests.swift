import ModelFiles
import Testing
@testable import Tokenization

@Suite("Building a tokenizer from GGUF metadata")
struct TokenizerMetadataTests {
    static let byteTokens = (0 ... 255).map { TestSupport.byteLevel([UInt8($0)]) }

    static func metadata(removing removed: String? = nil, replacing: [String: GGUFValue] = [:]) -> GGUFMetadata {
        var values: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("gpt2"),
            "tokenizer.ggml.pre": .string("smollm"),
            "tokenizer.ggml.tokens": .stringArray(["<|im_start|>"] + byteTokens + ["he"]),
            "tokenizer.ggml.token_type": .int32Array([3] + Array(repeating: 1, count: 257)),
            "tokenizer.ggml.merges": .stringArray(["h e"]),
            "tokenizer.ggml.bos_token_id": .uint32(0),
            "tokenizer.ggml.eos_token_id": .uint32(0),
        ]
        if let removed { values[removed] = nil }
        for (key, value) in replacing { values[key] = value }
        return GGUFMetadata(values, source: "tiny.gguf")
    }

    @Test("a valid description builds a working tokenizer, also through a written GGUF file")
    func valid() throws {
        let tokenizer = try Tokenizer(metadata: Self.metadata())
        #expect(tokenizer.encode("<|im_start|>he", parseSpecial: true) == [0, 257])
        #expect(tokenizer.specialTokenIDs.bos == 0)
        var writer = GGUFWriter()
        for (key, value) in Self.metadata().values { writer.setMetadata(key, value) }
        let file = try GGUFFile(bytes: try writer.serialize())
        #expect(try Tokenizer(file: file).encode("he") == [257])
    }

    @Test("missing merges name the key")
    func missingMerges() {
        #expect(throws: TokenizerError.metadata(.missingKey(path: "tiny.gguf", key: "tokenizer.ggml.merges"))) {
            try Tokenizer(metadata: Self.metadata(removing: "tokenizer.ggml.merges"))
        }
        let error = TokenizerError.metadata(.missingKey(path: "tiny.gguf", key: "tokenizer.ggml.merges"))
        #expect(error.description.contains("tokenizer.ggml.merges") && !error.description.contains("\n"))
    }

    @Test("a token type array of the wrong length")
    func typeLengthMismatch() {
        #expect(throws: TokenizerError.lengthMismatch(field: "tokenizer.ggml.token_type", expected: 258, found: 3)) {
            try Tokenizer(metadata: Self.metadata(replacing: ["tokenizer.ggml.token_type": .int32Array([1, 1, 1])]))
        }
    }

    @Test("other malformed descriptions", arguments: [
        ("tokenizer.ggml.model", GGUFValue.string("llama")),
        ("tokenizer.ggml.pre", .string("qwen2")),
        ("tokenizer.ggml.tokens", .int32Array([1, 2])),
        ("tokenizer.ggml.tokens", .stringArray([])),
        ("tokenizer.ggml.token_type", .int32Array([9] + Array(repeating: 1, count: 257))),
        ("tokenizer.ggml.merges", .stringArray(["he"])),
        ("tokenizer.ggml.merges", .stringArray(["h x"])),
        ("tokenizer.ggml.merges", .stringArray(["e h"])),  // "eh" is not in the vocabulary
        ("tokenizer.ggml.eos_token_id", .uint32(258)),
    ])
    func malformed(key: String, value: GGUFValue) {
        do {
            _ = try Tokenizer(metadata: Self.metadata(replacing: [key: value]))
            Issue.record("expected an error for \(key)")
        } catch {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
    }
}
