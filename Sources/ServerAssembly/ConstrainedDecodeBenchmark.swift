import AsyncHTTPClient
import Foundation

/// The decode slowdown of constrained streams against free ones, over HTTP on a running server:
/// the same chat prompt, once with a `response_format` JSON schema (a mask every step) and once
/// free, alternating, at each stream count. Rates are decode tokens/s after every stream's first
/// token (`ServerBenchmark.rate`), so prefill and the output's length do not enter the figure.
public struct ConstrainedDecodeBenchmark: Sendable {
    public struct Row: Sendable {
        public var streams: Int
        public var free: [Double] = []
        public var constrained: [Double] = []
        public var failed = 0
    }

    public var streamCounts = [1, 8]
    public var rounds = 3
    public var maxTokens = 96

    public init() {}

    /// Thirty integers: long enough to measure, every token under the mask (digits, commas, brackets).
    public static let schema = #"{"type":"object","properties":{"readings":{"type":"array","items":{"type":"integer"},"minItems":30,"maxItems":30}},"required":["readings"],"additionalProperties":false}"#
    static let prompt = "List thirty temperature readings as JSON."

    func body(constrained: Bool) -> String {
        let format = constrained ? #","response_format":{"type":"json_schema","json_schema":{"name":"readings","schema":\#(Self.schema)}}"# : #","ignore_eos":true"#
        return #"{"messages":[{"role":"user","content":"\#(Self.prompt)"}],"max_tokens":\#(maxTokens),"temperature":0,"stream":true\#(format)}"#
    }

    public func run(port: Int, progress: (String) -> Void) async throws -> [Row] {
        let client = ServerBenchmark.client()
        defer { _ = client.shutdown() }
        let url = "http://127.0.0.1:\(port)/v1/chat/completions"
        var rows: [Row] = []
        for streams in streamCounts {
            var row = Row(streams: streams)
            for round in 1...rounds {
                // Alternate which goes first, so a drift in the machine's speed favours neither.
                for constrained in round % 2 == 1 ? [false, true] : [true, false] {
                    progress("\(streams) stream(s), round \(round)/\(rounds): \(constrained ? "constrained" : "free")")
                    let request = ServerBenchmark.request(url, body: body(constrained: constrained))
                    let outcomes = try await withThrowingTaskGroup(of: ServerBenchmark.StreamOutcome?.self) { group in
                        for _ in 0..<streams { group.addTask { try? await ServerBenchmark.stream(client: client, request: request) } }
                        var all: [ServerBenchmark.StreamOutcome?] = []
                        for try await outcome in group { all.append(outcome) }
                        return all
                    }
                    let good = outcomes.compactMap { $0 }
                    row.failed += streams - good.count
                    let rate = ServerBenchmark.rate(good)
                    if constrained { row.constrained.append(rate) } else { row.free.append(rate) }
                }
            }
            rows.append(row)
        }
        return rows
    }
}
