import AsyncHTTPClient
import Foundation
import Measurement
import NIOCore
import Workloads

/// Multi-turn agent sessions against a server: each session asks a question, the model calls a
/// client-side tool (`tool_choice: required`), the client "runs" it for a think time drawn per
/// tool, sends the conversation back with the result, for `rounds − 1` tool rounds, then asks for
/// the final answer. Measures what a follow-up turn costs: its TTFT, the tokens it had to prefill
/// (prompt − cached), and whether it resumed the context without a re-prefill.
public struct AgentBenchmark: Sendable {
    public var sessions = 50
    /// Sessions in flight at once (a new one starts when one ends).
    public var concurrency = 16
    public var rounds = 4
    public var meanThinkTime: Duration = .seconds(1)
    public var resultWords = 40
    public var seed: UInt64 = 1

    public init() {}

    public struct Turn: Sendable {
        public var round: Int
        public var ttft: Double
        public var promptTokens: Int
        public var cachedTokens: Int
        /// The previous turn's context (its prompt plus its completion).
        public var previousContext: Int
        public var calledTool: Bool
        public var prefilled: Int { promptTokens - cachedTokens }
        /// The follow-up found (nearly) all of its previous context held.
        public var resumed: Bool { previousContext > 0 && Double(cachedTokens) >= 0.9 * Double(previousContext) }
    }

    public struct Result: Sendable {
        public var turns: [Turn] = []
        public var failures: [String] = []
        public var wall: Double = 0
        public var followUps: [Turn] { turns.filter { $0.round > 1 } }
    }

    static let tools = [
        ("search", "Searches a knowledge base", #"{"type":"object","properties":{"query":{"type":"string","maxLength":40}},"required":["query"]}"#),
        ("weather", "Current weather of a city", #"{"type":"object","properties":{"city":{"type":"string","maxLength":24}},"required":["city"]}"#),
    ]
    static let topics = ["rivers", "volcanoes", "bridges", "comets", "forests", "deserts", "harbors", "glaciers"]

    public func run(base: String, model: String, progress: @Sendable (String) -> Void) async -> Result {
        let client = ServerBenchmark.client(threads: 1)
        defer { _ = client.shutdown() }
        let started = ContinuousClock.now
        var random = SeededRandom(seed: seed)
        let plans = (0..<sessions).map { index in
            (index: index, topic: Self.topics[random.nextInt(below: Self.topics.count)], tool: random.nextInt(below: Self.tools.count),
             think: (0..<rounds).map { _ in random.nextExponential(mean: meanThinkTime.seconds) })
        }
        let outcomes = await withTaskGroup(of: ([Turn], String?).self) { group in
            var pending = plans[...]
            func startNext() {
                guard let plan = pending.popFirst() else { return }
                group.addTask { await self.session(plan.index, topic: plan.topic, tool: plan.tool, think: plan.think, base: base, model: model, client: client) }
            }
            for _ in 0..<min(concurrency, plans.count) { startNext() }
            var all: [([Turn], String?)] = []
            for await outcome in group {
                all.append(outcome)
                startNext()
                if all.count % 10 == 0 { progress("\(all.count)/\(sessions) sessions done") }
            }
            return all
        }
        var result = Result()
        for (turns, failure) in outcomes {
            result.turns += turns
            if let failure { result.failures.append(failure) }
        }
        result.wall = (ContinuousClock.now - started).seconds
        return result
    }

    private func session(
        _ index: Int, topic: String, tool: Int, think: [Double], base: String, model: String, client: HTTPClient
    ) async -> ([Turn], String?) {
        let (name, description, schema) = Self.tools[tool]
        let toolsJSON = #"[{"type":"function","function":{"name":"\#(name)","description":"\#(description)","parameters":\#(schema)}}]"#
        var messages = [#"{"role":"user","content":"Session \#(index): tell me three facts about \#(topic). Use the \#(name) tool first."}"#]
        var turns: [Turn] = []
        var previousContext = 0
        for round in 1...rounds {
            let last = round == rounds
            let body = #"{"model":"\#(model)","messages":[\#(messages.joined(separator: ","))],"tools":\#(toolsJSON),"tool_choice":"\#(last ? "none" : "required")","max_tokens":\#(last ? 48 : 64),"temperature":0,"stream":true,"stream_options":{"include_usage":true},"user":"agent-\#(index)"}"#
            let turn: TurnResponse
            do {
                turn = try await Self.post(client: client, url: base + "/v1/chat/completions", body: body)
            } catch {
                return (turns, "session \(index) round \(round): \(error)")
            }
            turns.append(Turn(
                round: round, ttft: turn.ttft, promptTokens: turn.promptTokens, cachedTokens: turn.cachedTokens,
                previousContext: previousContext, calledTool: turn.call != nil))
            previousContext = turn.promptTokens + turn.completionTokens
            guard !last else { break }
            guard let call = turn.call else { return (turns, "session \(index) round \(round): no tool call") }
            try? await Task.sleep(for: .seconds(think[round - 1]))
            let result = (0..<resultWords).map { "\(topic)-fact-\(($0 * 7 + round) % 97)" }.joined(separator: " ")
            messages.append(#"{"role":"assistant","content":\#(JSONValue.quoted(turn.content)),"tool_calls":[{"id":"\#(call.id)","type":"function","function":{"name":"\#(call.name)","arguments":\#(JSONValue.quoted(call.arguments))}}]}"#)
            messages.append(#"{"role":"tool","tool_call_id":"\#(call.id)","content":"\#(result)"}"#)
        }
        return (turns, nil)
    }

    struct TurnResponse {
        var ttft: Double
        var content: String
        var call: (id: String, name: String, arguments: String)?
        var promptTokens: Int
        var completionTokens: Int
        var cachedTokens: Int
    }

    /// One streamed turn: TTFT at the first chunk with content or a tool call; the call reassembled
    /// from its fragments; usage from the final chunk.
    static func post(client: HTTPClient, url: String, body: String) async throws -> TurnResponse {
        let start = ContinuousClock.now
        let response = try await client.execute(ServerBenchmark.request(url, body: body), timeout: .seconds(600))
        guard response.status == .ok else {
            throw BenchmarkError(description: "HTTP \(response.status.code): \(String(buffer: try await response.body.collect(upTo: 1 << 16)))")
        }
        var text = ""
        var ttft: Double?
        for try await chunk in response.body {
            let piece = String(buffer: chunk)
            if ttft == nil, piece.contains("\"content\"") || piece.contains("\"tool_calls\"") { ttft = (ContinuousClock.now - start).seconds }
            text += piece
        }
        var turn = TurnResponse(ttft: ttft ?? .infinity, content: "", call: nil, promptTokens: 0, completionTokens: 0, cachedTokens: 0)
        var arguments = "", id = "", name = ""
        for frame in text.components(separatedBy: "\n\n") where frame.hasPrefix("data: {") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(frame.dropFirst(6).utf8)) as? [String: Any] else { continue }
            if let usage = object["usage"] as? [String: Any] {
                turn.promptTokens = usage["prompt_tokens"] as? Int ?? 0
                turn.completionTokens = usage["completion_tokens"] as? Int ?? 0
                turn.cachedTokens = (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int ?? 0
            }
            guard let delta = ((object["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any] else { continue }
            turn.content += delta["content"] as? String ?? ""
            for call in delta["tool_calls"] as? [[String: Any]] ?? [] {
                if let value = call["id"] as? String { id = value }
                let function = call["function"] as? [String: Any]
                if let value = function?["name"] as? String { name = value }
                arguments += function?["arguments"] as? String ?? ""
            }
        }
        if !name.isEmpty { turn.call = (id, name, arguments) }
        return turn
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}
