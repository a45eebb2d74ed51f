import APIServer
import Foundation
import OpenAIProtocol
import ServingCore
import Testing
import Tokenization

/// The real server on port 0 with the real model, over HTTP: answers, usage, SSE framing byte for
/// byte, stop strings, limits, seeds, trace replay, and every error case.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct ServerEndToEndTests {
    static let shared = Task { try await LiveServer.start() }
    static let france = #"{"messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0"#

    static func chatPrompt(_ server: LiveServer, _ content: String) -> [Int32] {
        let model = server.stack.model
        let text = model.template.render(messages: [ChatMessage(role: .user, content: content)], addGenerationPrompt: true)
        return model.tokenizer.encode(text, parseSpecial: true)
    }

    @Test func chatAnswersAndCountsLikeTheTokenizer() async throws {
        let server = try await Self.shared.value
        let reply = try await server.post("/v1/chat/completions", Self.france + #","max_tokens":20}"#)
        #expect(reply.status == 200)
        let choice = try #require((reply.json["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "The capital of France is Paris.")
        #expect(choice["finish_reason"] as? String == "stop")
        let usage = try #require(reply.json["usage"] as? [String: Any])
        let prompt = Self.chatPrompt(server, "What is the capital of France?")
        let generated = try Reference.greedy(prompt, count: 20, stop: Set(server.stack.model.stopTokenIDs))
        #expect(usage["prompt_tokens"] as? Int == prompt.count)
        #expect(usage["completion_tokens"] as? Int == generated.count)  // the end-of-turn token included, as vLLM counts it
        #expect(usage["total_tokens"] as? Int == prompt.count + generated.count)
        #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] is Int)
        // /tokenize renders the same conversation to the same ids.
        let tokenized = try await server.post("/tokenize", #"{"messages":[{"role":"user","content":"What is the capital of France?"}]}"#)
        #expect(tokenized.json["count"] as? Int == prompt.count)
        let detokenized = try await server.post("/detokenize", #"{"tokens":[504,3458,282,4649,314,7042,30]}"#)
        #expect(detokenized.status == 200 && detokenized.json["prompt"] is String)
    }

    @Test func completionHonoursMaxTokensAndStop() async throws {
        let server = try await Self.shared.value
        let prompt = server.stack.model.tokenizer.encode("The capital of France is", parseSpecial: true)
        let expected = try Reference.greedy(prompt, count: 6)
        let limited = try await server.post("/v1/completions", #"{"prompt":"The capital of France is","max_tokens":6,"temperature":0}"#)
        let choice = try #require((limited.json["choices"] as? [[String: Any]])?.first)
        #expect(choice["text"] as? String == (try server.stack.model.tokenizer.decode(expected, skipSpecial: true)))
        #expect(choice["finish_reason"] as? String == "length")
        #expect((limited.json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 6)
        let stopped = try await server.post("/v1/chat/completions", Self.france + #","stop":["Paris","never"]}"#)
        let message = (stopped.json["choices"] as? [[String: Any]])?.first
        #expect((message?["message"] as? [String: Any])?["content"] as? String == "The capital of France is ")
        #expect(message?["finish_reason"] as? String == "stop")
        // A token-id prompt gives the same answer as its text.
        let ids = prompt.map(String.init).joined(separator: ",")
        let byIDs = try await server.post("/v1/completions", #"{"prompt":[\#(ids)],"max_tokens":6,"temperature":0}"#)
        #expect(((byIDs.json["choices"] as? [[String: Any]])?.first?["text"] as? String) == choice["text"] as? String)
    }

    @Test func sameSeedSameText() async throws {
        let server = try await Self.shared.value
        let body = #"{"messages":[{"role":"user","content":"Write a short poem about the sea."}],"temperature":1.0,"max_tokens":24,"seed":"#
        let first = try await server.post("/v1/chat/completions", body + "7}")
        let second = try await server.post("/v1/chat/completions", body + "7}")
        let other = try await server.post("/v1/chat/completions", body + "8}")
        func content(_ reply: LiveServer.Reply) -> String? {
            ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
        }
        #expect(content(first) != nil && content(first) == content(second))
        #expect(content(first) != content(other))
    }

    /// The stream, rebuilt from the reference greedy tokens with the protocol's own writers,
    /// equals the bytes received: framing, the first chunk carrying role and text, the final
    /// chunk, the usage chunk, `[DONE]`.
    @Test func streamIsByteForByteOpenAI() async throws {
        let server = try await Self.shared.value
        let reply = try await server.post(
            "/v1/chat/completions", Self.france + #","max_tokens":12,"stream":true,"stream_options":{"include_usage":true}}"#,
            headers: [("x-request-id", "abc123")])
        #expect(reply.status == 200)
        #expect(reply.header("content-type") == "text/event-stream")
        #expect(reply.header("x-request-id") == "abc123")
        let frames = reply.body.sseFrames
        #expect(frames.allSatisfy { $0.hasPrefix("data: ") })
        #expect(reply.text.hasSuffix("data: [DONE]\n\n"))
        let first = try #require(frames.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] })
        let header = ResponseHeader(id: "chatcmpl-abc123", created: try #require(first["created"] as? Int), model: server.stack.model.name)
        let model = server.stack.model
        let prompt = Self.chatPrompt(server, "What is the capital of France?")
        let tokens = try Reference.greedy(prompt, count: 12, stop: Set(model.stopTokenIDs))
        var decoder = StreamingDecoder(tokenizer: model.tokenizer, skipSpecial: true)
        var expected: [UInt8] = []
        var role = true
        for token in tokens {
            let piece = try decoder.append(token)
            guard !piece.isEmpty else { continue }
            expected += ServerSentEvents.event(ResponseBodies.chatChunk(header, role: role, content: piece, finishReason: nil, includeUsageNull: true))
            role = false
        }
        expected += ServerSentEvents.event(ResponseBodies.chatChunk(header, role: false, content: nil, finishReason: "stop", includeUsageNull: true))
        // Earlier requests with this prompt may have left its blocks in the prefix cache.
        let last = try #require(frames.dropLast().last.flatMap { try JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] })
        let cached = try #require(((last["usage"] as? [String: Any])?["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int)
        expected += ServerSentEvents.event(ResponseBodies.usageChunk(
            header, object: "chat.completion.chunk", usage: Usage(promptTokens: prompt.count, completionTokens: tokens.count, cachedTokens: cached)))
        expected += ServerSentEvents.done
        #expect(reply.text == String(decoding: expected, as: UTF8.self))
    }

    /// Three scripted calls: their time shows in the latency, their tokens in the context.
    @Test func traceReplayWithThreeCalls() async throws {
        let server = try await Self.shared.value
        let segments = (0..<3).map { _ in #"{"decode":4,"call":{"name":"calculator","duration_s":0.3,"returned_tokens":10}}"# }
            .joined(separator: ",") + #",{"decode":4}"#
        let body = #"{"prompt":"Compute 2+2.","temperature":0,"augserve":{"class":"math","segments":[\#(segments)]}}"#
        let started = ContinuousClock.now
        let reply = try await server.post("/v1/completions", body)
        let elapsed = ContinuousClock.now - started
        #expect(reply.status == 200, "\(reply.text)")
        let calls = try #require(reply.json["augserve"] as? [String: Any])
        #expect(calls["calls"] as? Int == 3)
        #expect(calls["returned_tokens"] as? Int == 30)
        #expect((calls["call_seconds"] as? Double ?? 0) >= 0.9)
        #expect(elapsed >= .milliseconds(900))
        #expect((reply.json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 16)
        try await server.expectIdle()
    }

    @Test("bad requests are 400s that name the field", arguments: [
        (#"{"messages":[{"role":"user","content":"hi"}],"temperature":-1}"#, "temperature"),
        (#"{"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#, "temperature"),
        (#"{"messages":[{"role":"user","content":"hi"}],"n":2}"#, "'n' 2"),
        (#"{"messages":[{"role":"user","content":"hi"}],"logprobs":true}"#, "logprobs"),
        (#"{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}"#, "max_tokens"),
        (#"{"messages":[{"role":"user","content":"hi"}],"top_p":0}"#, "top_p"),
        (#"{"messages":[{"role":"user","content":"hi"}],"stop":7}"#, "stop"),
        (#"{"messages":[{"role":"user","content":"hi"}],"min_tokens":9,"max_tokens":4}"#, "min_tokens"),
        (#"{"messages":[{"role":"wizard","content":"hi"}]}"#, "role"),
        (#"{"messages":[]}"#, "messages"),
        (#"{"model":"m"}"#, "messages"),
        (#"{"messages":[{"role":"user","content":"hi"}],"stop_token_ids":[99999999]}"#, "stop_token_ids"),
        (#"{"messages":[{"role":"user","content":"hi"}],"augserve":{"segments":[{"decode":-1}]}}"#, "decode"),
        (#"{"messages":[{"role":"user","content":"hi"}],"augserve":{"segments":[{"decode":1,"call":{"name":"x","duration_s":1e9,"returned_tokens":1}}]}}"#, "duration_s"),
        (#"[1,2,3]"#, "JSON object"),
        (#"{"messages":[{"role":"user","content":"hi"}"#, "not valid JSON"),
    ])
    func badParameters(_ body: String, _ mention: String) async throws {
        let server = try await Self.shared.value
        let reply = try await server.post("/v1/chat/completions", body)
        #expect(reply.status == 400, "\(reply.text)")
        let error = try #require(reply.json["error"] as? [String: Any], "\(reply.text)")
        #expect((error["message"] as? String)?.contains(mention) == true, "\(reply.text)")
        #expect(error["type"] as? String == "BadRequestError" && error["code"] as? Int == 400)
        #expect(error.keys.contains("param"))
    }

    @Test func contextOverflowModelNotFoundRoutesAndOversizeBodies() async throws {
        let server = try await Self.shared.value
        let long = String(repeating: "word ", count: 3000)
        let overflow = try await server.post("/v1/completions", #"{"prompt":"\#(long)","max_tokens":10}"#)
        #expect(overflow.status == 400)
        #expect(overflow.text.contains("maximum context length"))
        let tooMany = try await server.post("/v1/completions", #"{"prompt":"hi","max_tokens":5000}"#)
        #expect(tooMany.status == 400 && tooMany.text.contains("maximum context length"))
        let unknownModel = try await server.post("/v1/chat/completions", #"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(unknownModel.status == 404 && unknownModel.text.contains("gpt-9"))
        let noRoute = try await server.get("/v1/nothing")
        #expect(noRoute.status == 404 && (noRoute.json["error"] as? [String: Any])?["type"] as? String == "NotFoundError")
        let huge = try await server.post("/v1/completions", #"{"prompt":""# + String(repeating: "x", count: 9 << 20) + #""}"#)
        #expect(huge.status == 413 && huge.json["error"] != nil)
        // Unknown fields and explicit nulls are ignored, not rejected.
        let lenient = try await server.post(
            "/v1/chat/completions", Self.france + #","max_tokens":3,"top_p":null,"stop":null,"frobnicate":{"x":[1]},"user":"u"}"#)
        #expect(lenient.status == 200, "\(lenient.text)")
        let badHeader = try await server.post("/v1/chat/completions", Self.france + "}", headers: [("x-slo-ttft-ms", "soon")])
        #expect(badHeader.status == 400 && badHeader.text.contains("x-slo-ttft-ms"))
        let withSLO = try await server.post("/v1/chat/completions", Self.france + #","max_tokens":2}"#, headers: [("x-slo-ttft-ms", "250"), ("x-slo-tpot-ms", "80")])
        #expect(withSLO.status == 200)
        let models = try await server.get("/v1/models")
        #expect(((models.json["data"] as? [[String: Any]])?.first?["max_model_len"] as? Int) == 2048)
        #expect(try await server.get("/health").status == 200)
        #expect(try await server.get("/version").json["version"] as? String == AugServeVersion.string)
        try await server.expectIdle()
    }

    /// A client that disconnects mid-stream aborts its request: KV usage and running count return to 0.
    @Test func disconnectMidStreamFreesEverything() async throws {
        let server = try await Self.shared.value
        var request = HTTPRequestBuilder.stream(server, #"{"prompt":"Once upon a time","max_tokens":1500,"ignore_eos":true,"temperature":0,"stream":true}"#)
        let response = try await LiveServer.client.execute(request.build(), timeout: .seconds(60))
        var chunks = 0
        for try await _ in response.body {
            chunks += 1
            if chunks == 5 { break }  // drops the connection
        }
        #expect(chunks == 5)
        try await server.expectIdle()
        #expect(try await server.metric("vllm:request_success_total", labels: "abort") ?? 0 >= 1)
    }
}

extension ServerEndToEndTests {
    /// A client that disconnects while its request produces nothing — paused in a 10-minute call —
    /// still aborts it at once: the wait is cancelled, not only the next token's write.
    @Test(arguments: [false, true])
    func disconnectWhilePausedInACall(streaming: Bool) async throws {
        let server = try await Self.shared.value
        let body = #"{"prompt":"Wait for it","temperature":0,"stream":\#(streaming),"augserve":{"segments":[{"decode":2,"call":{"name":"human","duration_s":600,"returned_tokens":5}},{"decode":2}]}}"#
        let client = Task { try await LiveServer.client.execute(HTTPRequestBuilder.stream(server, body).build(), timeout: .seconds(700)).body.collect(upTo: 1 << 20) }
        for _ in 0..<2000 where server.engine.snapshot.engine?.pausedCount != 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.engine.snapshot.engine?.pausedCount == 1)
        client.cancel()
        _ = try? await client.value
        try await server.expectIdle()
    }
}

/// Builds streaming requests for AsyncHTTPClient.
struct HTTPRequestBuilder {
    let url: String
    let body: String

    static func stream(_ server: LiveServer, _ body: String, path: String = "/v1/completions") -> HTTPRequestBuilder {
        HTTPRequestBuilder(url: server.base + path, body: body)
    }

    func build() -> AsyncHTTPClient.HTTPClientRequest {
        var request = AsyncHTTPClient.HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(NIOCore.ByteBuffer(string: body))
        return request
    }
}

import AsyncHTTPClient
import NIOCore
