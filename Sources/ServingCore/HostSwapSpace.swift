/// Host memory for swapped-out KV blocks, in block-sized slots. `freeCount + usedCount == totalCount`.
public struct HostSwapSpace: Sendable {
    public let totalCount: Int
    private var free: [Int32]

    /// The most slots: slot ids are `Int32` (`CacheConfiguration.validate()` rejects more).
    public static let maxSlotCount = Int(Int32.max)

    /// `totalCount` slots, `0...maxSlotCount` (clamped; the configuration is validated first).
    public init(totalCount: Int) {
        let totalCount = min(max(0, totalCount), Self.maxSlotCount)
        self.totalCount = totalCount
        free = (0..<Int32(totalCount)).reversed()
    }

    public var freeCount: Int { free.count }
    public var usedCount: Int { totalCount - free.count }

    public mutating func allocate() -> HostSlotID? { free.popLast().map(HostSlotID.init) }

    public mutating func release(_ slot: HostSlotID) { free.append(slot.rawValue) }
}
