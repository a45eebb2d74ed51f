// StructuredOutput: constrained decoding. A JSON-Schema subset compiles to a grammar; a matcher
// walks it byte by byte; a trie of the vocabulary's byte strings turns the matcher's state into the
// set of tokens that may come next, so a model's output always parses and validates.
