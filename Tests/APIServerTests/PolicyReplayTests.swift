import Foundation
import ServingCore
import Testing

/// Every policy serves the trace-replay workload through the real CPU executor on a KV pool small
/// enough to force preemptions and swaps, with the block-accounting invariants checked after every
/// step, and every output equal to a standalone greedy run of the same context.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct PolicyReplayTests {
    struct Script {
        var prompt: String
        var segments: [(decode: Int, returned: Int)]
        var callSeconds: Double
    }

    static let scripts: [Script] = (0..<6).map { index in
        Script(
            prompt: "Request \(index): " + String(repeating: "tell me about the number \(index). ", count: 12),
            segments: [(16, 60), (16, 60), (16, 0)], callSeconds: 0.4 + 0.1 * Double(index % 3))
    }

    @Test("every policy, calls under memory pressure, outputs equal standalone runs", arguments: PolicyKind.allCases)
    func replayUnderPressure(policy: PolicyKind) async throws {
        let server = try await LiveServer.start(LiveServer.settings(policy: policy) {
            $0.kvCacheTokens = 768
            $0.maxModelLength = 768
            $0.hostSwapBytes = 16 << 20
        })
        let replies = try await withThrowingTaskGroup(of: (Int, LiveServer.Reply).self) { group in
            for (index, script) in Self.scripts.enumerated() {
                group.addTask { (index, try await server.post("/v1/completions", Self.body(script))) }
            }
            var replies: [Int: LiveServer.Reply] = [:]
            for try await (index, reply) in group { replies[index] = reply }
            return replies
        }
        var preemptions = 0, swapped = 0
        for (index, script) in Self.scripts.enumerated() {
            let reply = try #require(replies[index])
            #expect(reply.status == 200, "\(policy) request \(index): \(reply.text)")
            let choice = try #require((reply.json["choices"] as? [[String: Any]])?.first)
            let calls = try #require(reply.json["augserve"] as? [String: Any])
            preemptions += calls["preemptions"] as? Int ?? 0
            swapped += calls["swapped_blocks"] as? Int ?? 0
            #expect(calls["calls"] as? Int == 2)
            let expected = try Self.standalone(script, server: server)
            #expect(choice["text"] as? String == expected, "\(policy) request \(index)")
        }
        var decisions: [String] = []
        for mode in ContextMode.allCases {
            let count = try await server.metric("augserve:context_mode_decisions_total", labels: "mode=\"\(mode.rawValue)\"") ?? 0
            decisions.append("\(mode.rawValue) \(Int(count))")
        }
        print("replay \(policy): preemptions \(preemptions), swapped blocks \(swapped), modes at interception: \(decisions.joined(separator: ", "))")
        switch policy {
        case .vllm, .vllmAPC: #expect(preemptions > 0, "the small pool should force a preemption under \(policy)")
        case .infercept, .augserve: #expect(swapped > 0, "the small pool should force swaps under \(policy)")
        }
        try await server.expectIdle()
        await server.stop()
    }

    static func body(_ script: Script) -> String {
        let segments = script.segments.map { segment in
            segment.returned > 0
                ? #"{"decode":\#(segment.decode),"call":{"name":"search","duration_s":\#(script.callSeconds),"returned_tokens":\#(segment.returned)}}"#
                : #"{"decode":\#(segment.decode)}"#
        }.joined(separator: ",")
        return #"{"prompt":"\#(script.prompt)","temperature":0,"augserve":{"class":"qa","segments":[\#(segments)]}}"#
    }

    /// The same life without a server: greedy segment by segment, the filler tokens appended as
    /// the engine appends them (cycled from the context position).
    static func standalone(_ script: Script, server: LiveServer) throws -> String {
        let model = server.stack.model
        var context = model.tokenizer.encode(script.prompt, parseSpecial: true)
        var generated: [Int32] = []
        for segment in script.segments {
            let tokens = try Reference.greedy(context, count: segment.decode)
            generated += tokens
            context += tokens
            let filler = model.fillerTokens
            let base = context.count
            context += (0..<segment.returned).map { filler[(base + $0) % filler.count] }
        }
        return try model.tokenizer.decode(generated, skipSpecial: true)
    }
}
