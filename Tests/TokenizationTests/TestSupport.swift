import Foundation
import ModelFiles
import Testing
import Tokenization

/// The golden reference data (`Fixtures/golden.json`, copied from the model's reference files)
/// and the real tokenizer, shared by the tests.
enum TestSupport {
    struct TokenizerCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var parseSpecial: Bool
        var ids: [Int32]
        var pieces: [String]
        var decoded: String
        var testDescription: String { name }
    }

    struct GreedyCase: Decodable, Sendable {
        var name: String
        var promptText: String
        var promptIds: [Int32]
        var generatedIds: [Int32]
        var generatedText: String
    }

    struct PerPositionCase: Decodable, Sendable {
        var ids: [Int32]
    }

    struct Golden: Decodable, Sendable {
        var tokenizerCases: [TokenizerCase]
        var greedyCases: [GreedyCase]
        var perPositionCase: PerPositionCase
    }

    static let golden: Golden? = {
        guard let url = Bundle.module.url(forResource: "golden", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(Golden.self, from: data)
    }()

    static var tokenizerCases: [TokenizerCase] { golden?.tokenizerCases ?? [] }

    /// The installed default model, or nil when `scripts/setup.sh` has not been run.
    static var installedModelPath: String? {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static let modelMissingNote: Comment =
        "model file absent: run `bash scripts/setup.sh` to install ~/.cache/augserve/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The model file's metadata, loaded once.
    static let modelMetadata: GGUFMetadata? = installedModelPath.flatMap { try? GGUFFile(path: $0).metadata }

    /// SmolLM2's tokenizer built once from the installed model file, or why it could not be built.
    static let smolLMResult: Result<Tokenizer, TokenizerError>? = modelMetadata.map { metadata in
        Result { () throws(TokenizerError) in try Tokenizer(metadata: metadata) }
    }

    /// SmolLM2's tokenizer, built once from the installed model file.
    static var smolLM: Tokenizer? { try? smolLMResult?.get() }

    /// A tokenizer with only the 256 byte tokens plus `extraTokens`, and the given merges.
    static func byteTokenizer(
        extraTokens: [String] = [], extraTypes: [TokenType]? = nil, merges: [String] = [],
        preTokenizer: PreTokenizer = .smollm
    ) throws -> Tokenizer {
        let byteTokens = (0 ... 255).map { byteLevel([UInt8($0)]) }
        let types = extraTypes.map { Array(repeating: TokenType.normal, count: 256) + $0 }
        return try Tokenizer(
            tokens: byteTokens + extraTokens, tokenTypes: types, merges: merges, preTokenizer: preTokenizer)
    }

    /// GPT-2's byte-level form of `bytes`, written independently of the module's table.
    static func byteLevel(_ bytes: [UInt8]) -> String {
        var printable = Array(33 ... 126) + Array(161 ... 172) + Array(174 ... 255)
        var scalars = printable
        var extra = 0
        for byte in 0 ... 255 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(256 + extra)
            extra += 1
        }
        var table: [Int: Int] = [:]
        for (byte, scalar) in zip(printable, scalars) { table[byte] = scalar }
        return String(String.UnicodeScalarView(bytes.compactMap { table[Int($0)].flatMap(Unicode.Scalar.init) }))
    }
}
