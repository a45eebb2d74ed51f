/// A set of byte values (256 bits): the bytes a grammar node may start with, used to skip
/// alternatives that cannot match before copying any state.
struct ByteSet: Sendable, Hashable {
    private var low: UInt128 = 0
    private var high: UInt128 = 0

    static let all: ByteSet = {
        var set = ByteSet()
        for byte in 0 ... 255 { set.insert(UInt8(byte)) }
        return set
    }()

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    func contains(_ byte: UInt8) -> Bool {
        byte < 128 ? (low >> byte) & 1 != 0 : (high >> (byte - 128)) & 1 != 0
    }

    mutating func insert(_ byte: UInt8) {
        if byte < 128 { low |= 1 << byte } else { high |= 1 << (byte - 128) }
    }

    mutating func formUnion(_ other: ByteSet) {
        low |= other.low
        high |= other.high
    }
}
