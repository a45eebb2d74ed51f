import Synchronization

/// The vocabulary's byte strings as a trie, built once per model and shared by every request,
/// and the mask computation over it (`allowedTokens`).
///
/// Nodes are stored in depth-first preorder (node 0 is the root): a node's first child is the
/// next node and `subtreeEnd` skips its whole subtree, so a walk is a forward scan that jumps
/// over rejected prefixes. Tokens ending at a node are contiguous in `nodeTokens`, and so are
/// all tokens below a node. Immutable apart from the lock-protected mask cache.
public final class TokenTrie: Sendable {
    /// Number of token ids (including the ones that are never allowed).
    public let vocabularySize: Int
    /// Number of trie nodes, the root included.
    public var nodeCount: Int { nodeBytes.count }

    let tokenBytes: [[UInt8]?]
    let nodeBytes: [UInt8]
    let nodeDepths: [Int32]
    let subtreeEnds: [Int32]
    /// `nodeTokenStarts[node] ..< nodeTokenStarts[node + 1]`: tokens ending at `node`.
    let nodeTokenStarts: [Int32]
    let nodeTokens: [Int32]
    let maxDepth: Int
    let stringTables: StringTokenTables
    let cache: Mutex<MaskCache>

    /// Builds the trie. `vocabulary[id]` is token `id`'s bytes; nil (special and control tokens)
    /// and empty entries are never allowed. `cacheCapacity` masks are kept for repeated states
    /// (0 disables the cache).
    public init(vocabulary: [[UInt8]?], cacheCapacity: Int = 256) {
        vocabularySize = vocabulary.count
        tokenBytes = vocabulary
        let layout = TrieLayout(vocabulary: vocabulary)
        nodeBytes = layout.bytes
        nodeDepths = layout.depths
        subtreeEnds = layout.subtreeEnds
        nodeTokenStarts = layout.tokenStarts
        nodeTokens = layout.tokens
        maxDepth = Int(layout.depths.max() ?? 0)
        stringTables = StringTokenTables(layout: layout, vocabulary: vocabulary)
        cache = Mutex(MaskCache(capacity: cacheCapacity))
    }

    /// The bytes of token `id`, or nil for a token that is never allowed or out of range.
    public func bytes(of id: Int32) -> [UInt8]? {
        guard id >= 0, Int(id) < tokenBytes.count, let bytes = tokenBytes[Int(id)], !bytes.isEmpty else { return nil }
        return bytes
    }

    /// Advances `matcher` by token `id`'s bytes; false (and no change) if they are not allowed.
    public func advance(_ matcher: inout GrammarMatcher, by id: Int32) -> Bool {
        guard let bytes = bytes(of: id) else { return false }
        return matcher.advance(bytes: bytes)
    }

    /// An empty mask sized for this vocabulary.
    public func makeMask() -> TokenMask { TokenMask(vocabularySize: vocabularySize) }

    /// Cache statistics (hits, misses) since the trie was built.
    public var cacheStatistics: (hits: Int, misses: Int) {
        cache.withLock { ($0.hits, $0.misses) }
    }
}

/// The preorder arrays, built from the vocabulary sorted by bytes.
struct TrieLayout {
    var bytes: [UInt8] = [0]
    var depths: [Int32] = [0]
    var subtreeEnds: [Int32] = [0]
    var tokenStarts: [Int32] = [0]
    var tokens: [Int32] = []

    init(vocabulary: [[UInt8]?]) {
        let ids = vocabulary.indices
            .filter { vocabulary[$0].map { !$0.isEmpty } ?? false }
            .sorted { (vocabulary[$0] ?? []).lexicographicallyPrecedes(vocabulary[$1] ?? []) }
        // `path[d]` is the node at depth d on the previous token's path.
        var path: [Int32] = [0]
        var previous: [UInt8] = []
        for id in ids {
            guard let token = vocabulary[id] else { continue }
            var shared = 0
            while shared < min(token.count, previous.count), token[shared] == previous[shared] { shared += 1 }
            closeSubtrees(&path, keepingDepth: shared)
            for depth in shared ..< token.count {
                path.append(Int32(bytes.count))
                bytes.append(token[depth])
                depths.append(Int32(depth + 1))
                subtreeEnds.append(0)
                tokenStarts.append(Int32(tokens.count))
            }
            // Sorted order puts a token right after its node was created, or right after a token
            // with the same bytes, so the token belongs to the newest node.
            tokens.append(Int32(id))
            previous = token
        }
        closeSubtrees(&path, keepingDepth: 0)
        subtreeEnds[0] = Int32(bytes.count)
        tokenStarts.append(Int32(tokens.count))
    }

    /// Pops the path below `keepingDepth`: those subtrees end at the next node created.
    private mutating func closeSubtrees(_ path: inout [Int32], keepingDepth depth: Int) {
        while path.count > depth + 1, let node = path.popLast() {
            subtreeEnds[Int(node)] = Int32(bytes.count)
        }
    }
}
