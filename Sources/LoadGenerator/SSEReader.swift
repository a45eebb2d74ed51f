import Foundation

/// Splits a Server-Sent Events byte stream into `data:` payloads as the bytes arrive (events end at
/// a blank line; `\r\n` is accepted). Comments and other fields are skipped.
public struct SSEReader: Sendable {
    private var pending: [UInt8] = []
    /// The largest event kept while it is incomplete: a server that never ends an event cannot grow it without bound.
    public static let maxEventBytes = 1 << 20

    public init() {}

    /// The complete events' data payloads in `bytes` (with what was left from before).
    public mutating func feed<C: Collection>(_ bytes: C) throws(BenchError) -> [String] where C.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var payloads: [String] = []
        var start = 0
        var index = 0
        while index < pending.count {
            // An event ends at "\n\n" or "\r\n\r\n".
            if pending[index] == 0x0A {
                let next = index + 1
                if next < pending.count, pending[next] == 0x0A {
                    payloads += Self.data(of: pending[start..<index])
                    start = next + 1
                    index = start
                    continue
                }
                if next + 1 < pending.count, pending[next] == 0x0D, pending[next + 1] == 0x0A {
                    payloads += Self.data(of: pending[start..<index])
                    start = next + 2
                    index = start
                    continue
                }
            }
            index += 1
        }
        pending.removeFirst(start)
        guard pending.count <= Self.maxEventBytes else { throw .server("an SSE event longer than \(Self.maxEventBytes) bytes") }
        return payloads
    }

    static func data(of event: ArraySlice<UInt8>) -> [String] {
        var lines: [String] = []
        for line in event.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var text = String(decoding: line, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            guard text.hasPrefix("data:") else { continue }
            text.removeFirst(5)
            if text.hasPrefix(" ") { text.removeFirst() }
            lines.append(text)
        }
        return lines.isEmpty ? [] : [lines.joined(separator: "\n")]
    }
}
