/// A JSON object's members in order.
///
/// Equality ignores member order, as JSON objects are unordered (RFC 8259 §4); members with the
/// same key keep their relative order in the comparison. Lookup by key returns the first member.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    /// One member.
    public typealias Element = (key: String, value: JSONValue)

    /// The members in order.
    public private(set) var members: [Element]

    /// An object from members in the given order.
    public init(_ members: [(String, JSONValue)] = []) {
        self.members = members.map { (key: $0.0, value: $0.1) }
    }

    /// The first member's position.
    public var startIndex: Int { members.startIndex }
    /// One past the last member's position.
    public var endIndex: Int { members.endIndex }
    /// The member at `position`.
    public subscript(position: Int) -> Element { members[position] }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of the first member named `key`.
    public subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// Appends a member (a repeated key is kept; lookups find the first).
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key: key, value: value))
    }

    /// The same members, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        let left = lhs.sortedMembers, right = rhs.sortedMembers
        return zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members without regard to order.
    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with `==`: the members' hashes are summed.
        var sum = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            sum &+= memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(sum)
    }

    /// Members sorted by key; the sort is stable, so repeated keys keep their order.
    private var sortedMembers: [Element] {
        members.enumerated()
            .sorted { $0.element.key != $1.element.key ? $0.element.key < $1.element.key : $0.offset < $1.offset }
            .map(\.element)
    }
}
