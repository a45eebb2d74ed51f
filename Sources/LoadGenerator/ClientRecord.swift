import Measurement

/// What the client saw of one request, times from the run's start.
public struct ClientRecord: Sendable, Equatable, Codable {
    public var index: Int
    public var type: String
    /// When the workload says it arrives (what TTFT and latency count from, so a client-side wait
    /// for a concurrency slot counts against the server like any queueing).
    public var arrival: Duration
    /// When its first HTTP request went out.
    public var sentAt: Duration?
    /// The first chunk with content.
    public var firstTokenAt: Duration?
    /// The last response's end; nil when the request failed or did not finish.
    public var finishedAt: Duration?
    public var promptTokens: Int
    public var generatedTokens = 0
    public var returnedTokens = 0
    public var callCount = 0
    /// Σ call durations (the server's timer in extension mode, the client's wait in generic mode).
    public var callTime: Duration = .zero
    /// Call time spent before the first token (calls of leading segments that decode nothing).
    public var callTimeBeforeFirstToken: Duration = .zero
    /// Gaps between consecutive content chunks, seconds, calls excluded.
    public var interTokenGaps: [Double] = []
    public var cachedTokens = 0
    /// Σ prompt tokens the server reported (`usage.prompt_tokens`) over the request's HTTP
    /// requests, and Σ the context tokens the workload meant them to carry: in generic mode the
    /// context goes back as text and is tokenized again, so the two may differ.
    public var serverPromptTokens = 0
    public var intendedPromptTokens = 0
    public var preemptions = 0
    public var swappedBlocks = 0
    /// Requests sent again because a pooled connection had been closed by the server.
    public var connectionRetries = 0
    public var failure: String?

    public init(index: Int, type: String, arrival: Duration, promptTokens: Int) {
        self.index = index
        self.type = type
        self.arrival = arrival
        self.promptTokens = promptTokens
    }

    public var ttft: Duration? { firstTokenAt.map { $0 - arrival } }
    public var endToEnd: Duration? { finishedAt.map { $0 - arrival } }

    /// Time per output token after the first, calls removed: `(e2e − TTFT − calls after the first
    /// token) / (generated − 1)`; nil for one-token outputs (no second token to time) or unfinished requests.
    public var timePerOutputToken: Duration? {
        guard let end = finishedAt, let first = firstTokenAt, generatedTokens > 1 else { return nil }
        let calls = callTime - callTimeBeforeFirstToken
        return max(.zero, end - first - calls) / (generatedTokens - 1)
    }

    /// The record in the simulator's terms (SPEC §7), so the same summaries and reports apply.
    public var requestRecord: RequestRecord {
        RequestRecord(
            requestID: UInt64(index), type: type, arrival: arrival, firstTokenAt: firstTokenAt,
            finishedAt: failure == nil ? finishedAt : nil, promptTokenCount: promptTokens,
            generatedTokenCount: generatedTokens, returnedTokenCount: returnedTokens, callCount: callCount,
            totalCallDuration: callTime, queueingDelay: .zero, preemptionCount: preemptions,
            recomputedTokenCount: 0, swappedBytes: 0)
    }
}

/// `vllm bench serve`'s goodput: a request is good when every given metric is at most its
/// threshold (`--goodput ttft:MS tpot:MS e2el:MS`). A one-token output meets any TPOT threshold,
/// as there is no second token to time; a request that did not finish meets none.
public struct VLLMGoodput: Sendable, Equatable, Codable, CustomStringConvertible {
    public var ttft: Duration?
    public var tpot: Duration?
    public var e2el: Duration?

    public init(ttft: Duration? = nil, tpot: Duration? = nil, e2el: Duration? = nil) {
        self.ttft = ttft
        self.tpot = tpot
        self.e2el = e2el
    }

    /// Parses `ttft:500 tpot:50 e2el:10000` (milliseconds), as `vllm bench serve --goodput` takes them.
    public init(parsing items: [String]) throws(BenchError) {
        self.init()
        for item in items {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value > 0, value <= 1e9 else {
                throw .invalid("--goodput '\(item)': expected NAME:MILLISECONDS with NAME ttft, tpot or e2el")
            }
            let limit = Duration.milliseconds(value)
            switch parts[0] {
            case "ttft": ttft = limit
            case "tpot": tpot = limit
            case "e2el": e2el = limit
            default: throw .invalid("--goodput '\(item)': unknown metric '\(parts[0])' (expected ttft, tpot or e2el)")
            }
        }
    }

    public var isEmpty: Bool { ttft == nil && tpot == nil && e2el == nil }

    public func isMet(by record: ClientRecord) -> Bool {
        guard record.failure == nil, let ttftValue = record.ttft, let e2eValue = record.endToEnd else { return false }
        if let ttft, ttftValue > ttft { return false }
        if let e2el, e2eValue > e2el { return false }
        if let tpot, let value = record.timePerOutputToken, value > tpot { return false }
        return true
    }

    public var description: String {
        [("ttft", ttft), ("tpot", tpot), ("e2el", e2el)].compactMap { name, value in
            value.map { "\(name):\(Self.milliseconds($0))" }
        }.joined(separator: " ")
    }

    static func milliseconds(_ value: Duration) -> String {
        let ms = value.secondsValue * 1000
        return ms == ms.rounded() ? String(Int(ms)) : String(format: "%g", ms)
    }
}
