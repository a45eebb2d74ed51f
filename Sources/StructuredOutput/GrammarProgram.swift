import Synchronization

/// A compiled grammar: its nodes, each node's possible first bytes, and the root.
///
/// Immutable and shared by every matcher of the grammar. `identifier` is unique per program in
/// the process, so mask caches can key on it without holding the program alive.
final class GrammarProgram: Sendable {
    let nodes: [GrammarNode]
    let firstBytes: [ByteSet]
    /// The root node, or nil for the grammar that matches only the empty text.
    let root: NodeID?
    let identifier: UInt64

    private static let identifiers = Atomic<UInt64>(0)

    init(nodes: [GrammarNode], root: NodeID?) {
        self.nodes = nodes
        self.root = root
        self.firstBytes = Self.computeFirstBytes(nodes)
        self.identifier = Self.identifiers.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Children precede parents, so one pass in id order sees every child's set first.
    private static func computeFirstBytes(_ nodes: [GrammarNode]) -> [ByteSet] {
        var sets: [ByteSet] = []
        sets.reserveCapacity(nodes.count)
        for node in nodes {
            switch node {
            case .literal(let bytes): sets.append(ByteSet(bytes.prefix(1)))
            case .literalSet(let literals): sets.append(ByteSet(literals.compactMap(\.first)))
            case .sequence(let children): sets.append(sequenceFirst(children, nodes: nodes, sets: sets))
            case .choice(let alternatives, _):
                var set = ByteSet()
                for alternative in alternatives { set.formUnion(sets[Int(alternative)]) }
                sets.append(set)
            case .string: sets.append(ByteSet([UInt8(ascii: "\"")]))
            case .integer, .number: sets.append(ByteSet(Array("-0123456789".utf8)))
            case .object, .map: sets.append(ByteSet([UInt8(ascii: "{")]))
            case .array: sets.append(ByteSet([UInt8(ascii: "[")]))
            }
        }
        return sets
    }

    /// The first bytes of a sequence: its first child's, and the next child's while a child may
    /// match nothing (only a nullable choice can).
    private static func sequenceFirst(_ children: [NodeID], nodes: [GrammarNode], sets: [ByteSet]) -> ByteSet {
        var set = ByteSet()
        for child in children {
            set.formUnion(sets[Int(child)])
            guard case .choice(_, nullable: true) = nodes[Int(child)] else { break }
        }
        return set
    }
}

/// Collects nodes bottom-up and merges other programs in, relocating their ids.
struct ProgramBuilder {
    private(set) var nodes: [GrammarNode] = []

    mutating func add(_ node: GrammarNode) -> NodeID {
        nodes.append(node)
        return NodeID(nodes.count - 1)
    }

    /// Copies `program`'s nodes in and returns its relocated root (nil: matches only "").
    mutating func include(_ program: GrammarProgram) -> NodeID? {
        let offset = NodeID(nodes.count)
        for node in program.nodes { nodes.append(node.mapChildren { $0 + offset }) }
        return program.root.map { $0 + offset }
    }

    func finish(root: NodeID?) -> GrammarProgram { GrammarProgram(nodes: nodes, root: root) }
}
