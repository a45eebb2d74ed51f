/// A token id of the model's vocabulary. The core never looks inside a token; it only counts them,
/// hashes them for prefix caching and hands them to the executor.
public typealias TokenID = Int32

/// Identifies one request for its whole life in the engine.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "r\(rawValue)" }
}

/// A physical KV-cache block on the device (GPU memory, or the CPU executor's KV pages).
public struct BlockID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public init(index: Int) { self.rawValue = Int32(truncatingIfNeeded: index) }
    public var index: Int { Int(rawValue) }
    public static func < (lhs: BlockID, rhs: BlockID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "b\(rawValue)" }
}

/// A slot of the host swap space holding one swapped-out block.
public struct HostSlotID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public init(index: Int) { self.rawValue = Int32(truncatingIfNeeded: index) }
    public var index: Int { Int(rawValue) }
    public static func < (lhs: HostSlotID, rhs: HostSlotID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "h\(rawValue)" }
}
