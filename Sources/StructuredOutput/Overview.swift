// Module StructuredOutput
//
// Constrained decoding for JSON. A JSON-Schema subset (`Grammar.jsonSchema`), any JSON object
// (`Grammar.anyJSONObject`, for `response_format: json_object`) or a hand-built grammar (literals,
// sequences and alternations, e.g. `<tool_call>` + arguments + `</tool_call>`) compiles to a small
// program of nodes (`GrammarProgram`). `GrammarMatcher` walks that program one UTF-8 byte at a
// time with a set of stacks (nondeterminism only where alternatives share a prefix), so the bytes
// it accepts are exactly the prefixes of compact JSON texts valid for the grammar. `TokenTrie`
// turns a matcher's state into the set of vocabulary tokens that may come next (`TokenMask`): a
// depth-first walk of the vocabulary's byte trie with copies of the matcher, except inside strings,
// where per-lexer-state token tables answer in one bitset copy, and a bounded LRU cache answers
// repeated states. Every grammar is finite (documented caps in `GrammarLimits`), so generation
// always ends with a complete, valid value. `JSONValue` carries schemas and values, keeps object
// members in source order when parsed with `JSONValue(parsing:)`, and prints compact JSON.
