import ModelFiles

/// Why a tokenizer could not be built, or a token id could not be decoded. Each description is
/// one line naming the metadata field or the id.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A metadata key is missing or has the wrong type (the wrapped error names it).
    case metadata(GGUFError)
    /// `tokenizer.ggml.model` names a tokenizer this module does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this module does not implement.
    case unsupportedPreTokenizer(String)
    /// The vocabulary is empty or too large for 32-bit ids.
    case invalidVocabularySize(Int)
    /// Two parallel arrays (e.g. tokens and token types) have different lengths.
    case lengthMismatch(field: String, expected: Int, found: Int)
    /// A token type value is not one GGUF defines.
    case invalidTokenType(id: Int, value: Int)
    /// A merge rule is malformed or refers to strings outside the vocabulary.
    case invalidMerge(rank: Int, rule: String, reason: String)
    /// A special-token id in the metadata (bos, eos, ...) is outside the vocabulary.
    case specialTokenOutOfRange(field: String, id: Int, vocabularySize: Int)
    /// A token id to decode is outside the vocabulary.
    case unknownTokenID(Int32)

    public var description: String {
        switch self {
        case .metadata(let error):
            "tokenizer metadata: \(error)"
        case .unsupportedModel(let model):
            "unsupported tokenizer model '\(model)' (tokenizer.ggml.model); only 'gpt2' byte-level BPE is implemented"
        case .unsupportedPreTokenizer(let name):
            "unsupported pre-tokenizer '\(name)' (tokenizer.ggml.pre); supported: \(PreTokenizer.supportedNames.joined(separator: ", "))"
        case .invalidVocabularySize(let size):
            "invalid vocabulary size \(size)"
        case .lengthMismatch(let field, let expected, let found):
            "\(field) has \(found) entries but the vocabulary has \(expected)"
        case .invalidTokenType(let id, let value):
            "token \(id) has invalid token type \(value)"
        case .invalidMerge(let rank, let rule, let reason):
            "merge \(rank) '\(rule)': \(reason)"
        case .specialTokenOutOfRange(let field, let id, let vocabularySize):
            "\(field) = \(id) is outside the vocabulary of \(vocabularySize) tokens"
        case .unknownTokenID(let id):
            "token id \(id) is outside the vocabulary"
        }
    }
}
