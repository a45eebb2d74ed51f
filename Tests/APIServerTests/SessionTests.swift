import Foundation
import ServingCore
import Testing

/// Client-side tool round trips as interceptions: under `augserve` and `infercept` the follow-up
/// resumes the context held in the engine (its usage reports it as cached); `vllm` re-prefills.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct SessionTests {
    static let tools = #"[{"type":"function","function":{"name":"get_weather","description":"Current weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string","maxLength":16}},"required":["city"]}}}]"#

    static func usage(_ reply: LiveServer.Reply) -> (prompt: Int, completion: Int, cached: Int) {
        let usage = reply.json["usage"] as? [String: Any] ?? [:]
        return (usage["prompt_tokens"] as? Int ?? 0, usage["completion_tokens"] as? Int ?? 0,
                (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int ?? 0)
    }

    @Test("a follow-up resumes the held context", arguments: PolicyKind.allCases)
    func followUpResumes(policy: PolicyKind) async throws {
        let server = try await LiveServer.start(LiveServer.settings(policy: policy))
        let question = #"{"role":"user","content":"What is the weather in Oslo?"}"#
        let first = try await server.post("/v1/chat/completions", #"{"messages":[\#(question)],"tools":\#(Self.tools),"tool_choice":"required","temperature":0,"max_tokens":48}"#)
        #expect(first.status == 200, "\(first.text)")
        let choice = try #require((first.json["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "tool_calls")
        let message = try #require(choice["message"] as? [String: Any])
        let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
        let id = try #require(call["id"] as? String)
        let function = try #require(call["function"] as? [String: Any])
        #expect(function["name"] as? String == "get_weather")
        let arguments = try #require(function["arguments"] as? String)
        #expect((try JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String: Any])?["city"] is String)
        let callJSON = String(decoding: try JSONSerialization.data(withJSONObject: call), as: UTF8.self)
        let followUp = try await server.post("/v1/chat/completions", #"""
            {"messages":[\#(question),{"role":"assistant","content":null,"tool_calls":[\#(callJSON)]},
             {"role":"tool","tool_call_id":"\#(id)","content":"Snow, -3 degrees."}],"tools":\#(Self.tools),"tool_choice":"none","temperature":0,"max_tokens":16}
            """#)
        #expect(followUp.status == 200, "\(followUp.text)")
        let context = Self.usage(first).prompt + Self.usage(first).completion
        let cached = Self.usage(followUp).cached
        print("session \(policy): first context \(context) tokens, follow-up prompt \(Self.usage(followUp).prompt), cached \(cached)")
        switch policy {
        case .augserve, .infercept:
            #expect(Double(cached) >= 0.9 * Double(context), "\(policy): cached \(cached) of \(context)")
        case .vllm:
            #expect(cached == 0, "vllm keeps nothing: the follow-up re-prefills")
        case .vllmAPC:
            #expect(cached < context, "vllm-apc re-uses only whole cached blocks")
        }
        try await server.expectIdle()
        await server.stop()
    }

    /// An abandoned session expires and returns its memory; sessions never block new requests.
    @Test func abandonedSessionsExpireAndYieldMemory() async throws {
        let server = try await LiveServer.start(LiveServer.settings(policy: .augserve) {
            $0.runtime.sessionTimeToLive = .milliseconds(500)
            $0.kvCacheTokens = 1024
            $0.maxModelLength = 1024
        })
        for index in 0..<6 {
            let reply = try await server.post("/v1/chat/completions", #"{"messages":[{"role":"user","content":"Weather in city \#(index)?"}],"tools":\#(Self.tools),"tool_choice":"required","temperature":0,"max_tokens":48}"#)
            #expect(reply.status == 200)
        }
        // Six sessions of ~200 tokens are more than the 1024-token pool holds: admission reclaimed them.
        let plain = try await server.post("/v1/completions", #"{"prompt":"\#(String(repeating: "word ", count: 400))","max_tokens":4}"#)
        #expect(plain.status == 200, "\(plain.text)")
        try await server.expectIdle()  // the TTL ends the rest
        await server.stop()
    }
}
