/// Index of a node in a `GrammarProgram`.
typealias NodeID = Int32

/// One rule of a compiled grammar. Every node matches at least one byte except a nullable
/// `choice`; children always have smaller ids than their parents (the program is a DAG built
/// bottom-up), so there is no recursion and every match is finite.
enum GrammarNode: Sendable {
    /// Exactly these bytes (never empty).
    case literal([UInt8])
    /// One of these byte strings (sorted ascending, distinct, none empty): enums and consts.
    case literalSet([[UInt8]])
    /// The children one after the other (at least one).
    case sequence([NodeID])
    /// One of the alternatives, chosen by the bytes that follow; `nullable` also allows nothing.
    case choice([NodeID], nullable: Bool)
    /// A quoted JSON string.
    case string(StringRule)
    /// A JSON integer within bounds.
    case integer(IntegerRule)
    /// A JSON number (optional fraction and exponent).
    case number
    /// An object with declared properties, generated in declared order.
    case object(ObjectRule)
    /// A free-form object: string keys, one value rule.
    case map(MapRule)
    /// An array of one item rule.
    case array(ArrayRule)

    /// The node's children, for relocation when programs are combined.
    func mapChildren(_ transform: (NodeID) -> NodeID) -> GrammarNode {
        switch self {
        case .literal, .literalSet, .string, .integer, .number: return self
        case .sequence(let children): return .sequence(children.map(transform))
        case .choice(let alternatives, let nullable): return .choice(alternatives.map(transform), nullable: nullable)
        case .object(var rule):
            rule.values = rule.values.map(transform)
            return .object(rule)
        case .map(var rule):
            rule.key = transform(rule.key)
            rule.value = transform(rule.value)
            return .map(rule)
        case .array(var rule):
            rule.item = transform(rule.item)
            return .array(rule)
        }
    }
}

/// Length bounds of a string, in characters (Unicode scalars; an escape is one).
struct StringRule: Sendable, Hashable {
    var minLength: Int
    var maxLength: Int
}

/// Inclusive bounds of an integer (within ±(10^15 − 1), the digit cap), and for a bounded
/// `number`, the real bounds a fraction after the integer part must respect.
struct IntegerRule: Sendable, Hashable {
    var minimum: Int64
    var maximum: Int64
    /// Whether `.digits` may follow the integer part (bounded numbers).
    var allowsFraction = false
    /// The number's bounds (inclusive or exclusive: the check below is the same for both).
    var lowerBound = -Double.infinity
    var upperBound = Double.infinity

    static let largestMagnitude: Int64 = 999_999_999_999_999
    static let unbounded = IntegerRule(minimum: -largestMagnitude, maximum: largestMagnitude)

    /// Whether every value `integer.ffff…` (fraction digits after the integer part) lies in
    /// bounds: those values lie in [I, I + 1) for I ≥ 0 and in (I − 1, I] for I < 0.
    func permitsFraction(after integer: Int64) -> Bool {
        guard allowsFraction, minimum <= integer, integer <= maximum else { return false }
        return integer >= 0 ? Double(integer) + 1 <= upperBound : Double(integer) - 1 >= lowerBound
    }
}

/// An object's declared properties in generation order.
struct ObjectRule: Sendable {
    /// Each property's `"name":` bytes (quoted, escaped, with the colon).
    var keys: [[UInt8]]
    /// Each property's value rule.
    var values: [NodeID]
    /// `nextRequired[last + 1]`: the first required property after `last` (−1 for none emitted
    /// yet), or −1 when no required property is left.
    var nextRequired: [Int]

    init(keys: [[UInt8]], values: [NodeID], required: [Bool]) {
        self.keys = keys
        self.values = values
        var next = Array(repeating: -1, count: keys.count + 1)
        var upcoming = -1
        for index in stride(from: keys.count - 1, through: -1, by: -1) {
            next[index + 1] = upcoming
            if index >= 0, required[index] { upcoming = index }
        }
        nextRequired = next
    }

    /// The properties that may come after property `last` (−1: none emitted yet): every optional
    /// one up to and including the next required one.
    func allowedRange(after last: Int) -> ClosedRange<Int>? {
        let upper = nextRequired[last + 1] >= 0 ? nextRequired[last + 1] : keys.count - 1
        return last + 1 <= upper ? (last + 1) ... upper : nil
    }

    /// Whether the object may close after property `last`.
    func mayClose(after last: Int) -> Bool { nextRequired[last + 1] < 0 }
}

/// A free-form object: keys are strings, values one rule, at most `maxMembers` members.
struct MapRule: Sendable {
    var key: NodeID
    var value: NodeID
    var maxMembers: Int
}

/// An array: items of one rule, between `minItems` and `maxItems` of them.
struct ArrayRule: Sendable {
    var item: NodeID
    var minItems: Int
    var maxItems: Int
}
