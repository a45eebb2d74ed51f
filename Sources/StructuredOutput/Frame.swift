/// One level of a matcher's stack: a node and the position inside it.
///
/// The meaning of `phase`, `count` and `detail` depends on the node (see each node's `consume`):
/// a literal's byte offset, a string's lexer state and character count, an array's item count,
/// an object's last emitted property and key-matching candidate, an integer's magnitude so far.
struct Frame: Sendable, Hashable {
    var node: NodeID
    var phase: Int32
    var count: Int32
    var detail: Int64

    init(node: NodeID, phase: Int32 = 0, count: Int32 = 0, detail: Int64 = 0) {
        self.node = node
        self.phase = phase
        self.count = count
        self.detail = detail
    }
}

/// A matcher stack, bottom (root) first; empty once the whole grammar has matched.
typealias FrameStack = [Frame]

/// What a frame does with one byte.
enum FrameStep {
    /// The byte does not fit here.
    case rejected
    /// Consumed; the frame stays on top, updated.
    case advanced(Frame)
    /// Consumed; the node is done and its frame pops.
    case finished
    /// Consumed; the frame is updated and a child node starts after it (an object's value after
    /// its key).
    case enter(Frame, child: NodeID)
    /// Not consumed here: the frame is updated and the byte goes to a new child (an array's
    /// item, a free-form object's key).
    case delegate(Frame, child: NodeID)
    /// Not consumed here: a pending choice hands the byte to the alternatives that can start
    /// with it.
    case dispatch([NodeID])
}
