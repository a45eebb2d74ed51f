/// Host memory for swapped-out KV blocks, in block-sized slots. `freeCount + usedCount == totalCount`.
public struct HostSwapSpace: Sendable {
    public let totalCount: Int
    private var free: [Int32]

    public init(totalCount: Int) {
        self.totalCount = totalCount
        free = (0..<Int32(totalCount)).reversed()
    }

    public var freeCount: Int { free.count }
    public var usedCount: Int { totalCount - free.count }

    public mutating func allocate() -> HostSlotID? { free.popLast().map(HostSlotID.init) }

    public mutating func release(_ slot: HostSlotID) { free.append(slot.rawValue) }
}
