import OpenAIProtocol
import ServingCore
import StructuredOutput

/// What a request's output is held to by constrained decoding.
struct OutputConstraint: Sendable {
    enum Scope: Sendable, Equatable {
        /// The whole answer is one JSON value (`response_format`).
        case response
        /// The answer is a tool call (`tool_choice: required` or a named function); after it —
        /// once a server-side tool's result is back — generation is free.
        case toolCall
    }

    let grammar: Grammar
    let scope: Scope

    /// `response_format`: any JSON object, or the compact JSON texts valid against a schema.
    static func response(_ format: ResponseFormat) throws(APIError) -> OutputConstraint? {
        switch format {
        case .text: return nil
        case .jsonObject: return OutputConstraint(grammar: .anyJSONObject(), scope: .response)
        case .jsonSchema(_, let schema):
            return OutputConstraint(grammar: try compile(schema.text, field: "response_format.json_schema.schema"), scope: .response)
        }
    }

    /// A call to one of `tools`: `<tool_call>{"name":"…","arguments":{…}}</tool_call>`, the
    /// arguments valid against the tool's schema — the exact text `ConversationRenderer` renders.
    static func toolCall(_ tools: [OfferedTool]) throws(APIError) -> OutputConstraint {
        var calls: [Grammar] = []
        for (index, tool) in tools.enumerated() {
            var name = JSONWriter()
            name.value(tool.name)
            let object = #"{"type":"object","properties":{"name":{"const":\#(name.text)},"arguments":\#(tool.parameters)},"required":["name","arguments"],"additionalProperties":false}"#
            calls.append(try compile(object, field: "tools[\(index)].function.parameters"))
        }
        let grammar = Grammar.sequence([.literal(ToolCallParser.open), calls.count == 1 ? calls[0] : .choice(calls), .literal(ToolCallParser.close)])
        return OutputConstraint(grammar: grammar, scope: .toolCall)
    }

    static func compile(_ schemaText: String, field: String) throws(APIError) -> Grammar {
        let schema: JSONValue
        do { schema = try JSONValue(parsing: schemaText) } catch {
            throw .badRequest("invalid '\(field)': \(error)", param: field)
        }
        do { return try Grammar.jsonSchema(schema) } catch {
            throw .badRequest("invalid '\(field)': \(error)", param: field)
        }
    }
}

/// A constraint in progress on the engine thread: the grammar's position and the masks it yields.
struct ConstraintState {
    var matcher: GrammarMatcher
    let scope: OutputConstraint.Scope
    let trie: TokenTrie
    let stopTokens: [TokenID]
    private var mask: TokenMask
    private var bitmask: TokenBitmask

    init(_ constraint: OutputConstraint, trie: TokenTrie, stopTokens: [TokenID], vocabularySize: Int) {
        matcher = GrammarMatcher(constraint.grammar)
        scope = constraint.scope
        self.trie = trie
        self.stopTokens = stopTokens
        mask = trie.makeMask()
        bitmask = TokenBitmask(count: vocabularySize)
    }

    /// The tokens the grammar allows next; a stop token once the value may end.
    mutating func allowed() -> TokenBitmask {
        if matcher.isComplete {
            mask.removeAll()
        } else {
            trie.allowedTokens(matcher, into: &mask)
        }
        if matcher.canFinish { for stop in stopTokens { mask.insert(stop) } }
        bitmask.assign(words: mask.words)
        return bitmask
    }

    /// Moves the grammar past a sampled token; false if the grammar does not allow it.
    mutating func advance(_ token: TokenID) -> Bool {
        stopTokens.contains(token) ? matcher.canFinish : trie.advance(&matcher, by: token)
    }
}
