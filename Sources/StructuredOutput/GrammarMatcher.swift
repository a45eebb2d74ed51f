/// Where generation stands in a grammar: a small copyable value advanced one byte at a time.
///
/// It holds a set of stacks (usually one; more only while alternatives share a prefix, capped at
/// `maxStackCount`). Copies are cheap (copy-on-write arrays), which is what mask computation
/// relies on. A rejected byte leaves the matcher unchanged.
///
/// The three questions a decoder asks after each token: `canFinish` (may generation stop here:
/// allow EOS), `canAcceptMore` (may any byte follow), and `isComplete` (finished and nothing more
/// may follow: stop now). A decode step:
///
///     if matcher.isComplete { stop }
///     trie.allowedTokens(matcher, into: &mask)   // plus EOS when matcher.canFinish
///     sample a token from the masked logits; if it is EOS { stop }
///     trie.advance(&matcher, by: token)           // true for every token the mask allowed
public struct GrammarMatcher: Sendable, Hashable {
    /// Stacks beyond this many are dropped (the oldest are kept). Each remaining stack is a
    /// valid parse that can still complete, so outputs stay valid; only highly ambiguous
    /// hand-built grammars can reach it.
    public static let maxStackCount = 64

    let program: GrammarProgram
    private(set) var stacks: [FrameStack]

    /// A matcher at the start of `grammar`.
    public init(_ grammar: Grammar) {
        program = grammar.program
        stacks = Self.deduplicated(program.initialStacks())
    }

    /// Consumes one byte; false (and no change) if the grammar does not allow it here.
    @discardableResult
    public mutating func advance(byte: UInt8) -> Bool {
        var next: [FrameStack] = []
        for stack in stacks { program.feed(stack, byte, into: &next) }
        guard !next.isEmpty else { return false }
        stacks = next.count == 1 ? next : Self.deduplicated(next)
        return true
    }

    /// Consumes the bytes in order; false (and no change) if any is not allowed.
    @discardableResult
    public mutating func advance(bytes: some Sequence<UInt8>) -> Bool {
        var copy = self
        for byte in bytes where !copy.advance(byte: byte) { return false }
        self = copy
        return true
    }

    /// Consumes `text`'s UTF-8 bytes (see `advance(bytes:)`).
    @discardableResult
    public mutating func advance(text: String) -> Bool { advance(bytes: text.utf8) }

    /// Whether the bytes so far are a complete match: generation may stop here.
    public var canFinish: Bool { stacks.contains { program.canEnd($0) } }

    /// Whether some byte may follow.
    public var canAcceptMore: Bool {
        Self.probeOrder.contains { byte in
            var copy = self
            return copy.advance(byte: byte)
        }
    }

    /// Whether the match is finished and nothing more may follow (the decoder must stop).
    public var isComplete: Bool { canFinish && !canAcceptMore }

    /// Same grammar (the same compilation) and same position.
    public static func == (lhs: GrammarMatcher, rhs: GrammarMatcher) -> Bool {
        lhs.program.identifier == rhs.program.identifier && lhs.stacks == rhs.stacks
    }

    /// Hashes the grammar's identity and the position.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(program.identifier)
        hasher.combine(stacks)
    }

    /// Likely bytes first, so the usual answer (yes) comes after a probe or two.
    private static let probeOrder: [UInt8] = Array("\",}]:0a".utf8) + (0 ... 255).map { UInt8($0) }

    static func deduplicated(_ stacks: [FrameStack]) -> [FrameStack] {
        var unique: [FrameStack] = []
        for stack in stacks where !unique.contains(stack) {
            unique.append(stack)
            if unique.count == maxStackCount { break }
        }
        return unique
    }
}
