// Module Tokenization
//
// Text ↔ token ids for byte-level BPE models (GPT-2 style, as GGUF's `tokenizer.ggml.model =
// gpt2`). `Tokenizer` is built from a GGUF file's metadata (or from plain arrays in tests): the
// text is first cut at special tokens (`<|im_start|>` ...) when asked, then pre-tokenized by a
// hand-written scanner over Unicode scalars (`PreTokenizer`: SmolLM's digit isolation followed by
// the GPT-2 pattern, lookahead included), each piece's UTF-8 bytes are mapped through GPT-2's
// bytes-to-unicode alphabet and merged by rank (`BytePairMerger`, with a shared cache for repeated
// words). Decoding reverses the byte mapping; `StreamingDecoder` does it one token at a time and
// never emits half a UTF-8 character. `ChatTemplate` renders conversations as ChatML, the format
// SmolLM2 was trained on. Everything here works on token ids as `Int32` (ServingCore's `TokenID`)
// and nothing touches the network or the clock; the server and the CLI sit at the edges.
