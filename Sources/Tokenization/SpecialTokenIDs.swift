/// Ids of the tokens with a role: beginning and end of sequence, padding, unknown.
public struct SpecialTokenIDs: Sendable, Equatable {
    /// Beginning of sequence (`tokenizer.ggml.bos_token_id`); never added by `encode`.
    public var bos: Int32?
    /// End of sequence (`tokenizer.ggml.eos_token_id`): generation stops here.
    public var eos: Int32?
    /// Padding (`tokenizer.ggml.padding_token_id`).
    public var padding: Int32?
    /// Unknown token (`tokenizer.ggml.unknown_token_id`).
    public var unknown: Int32?

    /// Ids with the given roles (nil: the model has no such token).
    public init(bos: Int32? = nil, eos: Int32? = nil, padding: Int32? = nil, unknown: Int32? = nil) {
        self.bos = bos
        self.eos = eos
        self.padding = padding
        self.unknown = unknown
    }
}
