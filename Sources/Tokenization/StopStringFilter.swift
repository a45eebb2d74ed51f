/// Ends a text stream at the first occurrence of any stop string, the way OpenAI's `stop`
/// parameter does: the stop string and everything after it are never emitted. Text that could
/// still be the start of a stop string is held back until the next chunk decides it.
public struct StopStringFilter: Sendable {
    public let stops: [String]
    private var pending = ""
    /// True once a stop string was seen; `feed` returns nothing after that.
    public private(set) var stopped = false

    /// A filter for `stops`; empty strings are ignored.
    public init(stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// The part of `chunk` (with any held-back text before it) that is safe to emit.
    public mutating func feed(_ chunk: String) -> String {
        guard !stopped else { return "" }
        pending += chunk
        guard !stops.isEmpty else { return take(pending.endIndex) }
        if let cut = stops.compactMap({ pending.firstRange(of: $0)?.lowerBound }).min() {
            stopped = true
            let text = String(pending[..<cut])
            pending = ""
            return text
        }
        return take(heldBackStart())
    }

    /// Whatever is still held back (the stream ended without completing a stop string).
    public mutating func finish() -> String {
        guard !stopped else { return "" }
        defer { pending = "" }
        return pending
    }

    /// The earliest index from which the pending text is a proper prefix of some stop string.
    private func heldBackStart() -> String.Index {
        var index = pending.startIndex
        while index < pending.endIndex {
            let tail = pending[index...]
            if stops.contains(where: { $0.hasPrefix(tail) }) { return index }
            index = pending.index(after: index)
        }
        return pending.endIndex
    }

    private mutating func take(_ end: String.Index) -> String {
        let text = String(pending[..<end])
        pending = String(pending[end...])
        return text
    }
}
