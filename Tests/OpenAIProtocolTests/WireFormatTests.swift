import Foundation
import OpenAIProtocol
import Testing

/// Decoding is lenient where OpenAI is (unknown fields, nulls, string-or-list) and names the field
/// where a value is wrong; writing is fixed-order JSON with explicit nulls; templated chunks equal
/// the written ones byte for byte.
@Suite struct WireFormatTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(WireError) -> T {
        try WireError.decode(type, from: Array(json.utf8))
    }

    @Test func chatRequestsDecodeLeniently() throws {
        let request = try Self.decode(ChatCompletionRequest.self, #"""
            {"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}]}],
             "max_completion_tokens":7,"max_tokens":99,"stop":"END","temperature":null,"unknown":{"deep":[1,2]},"stream":true,
             "stream_options":{"include_usage":true},"seed":-3,"augserve":{"class":"math","segments":[{"decode":2,"call":{"name":"calc","duration_s":0.5,"returned_tokens":4}},{"decode":1}]}}
            """#)
        #expect(request.messages.map(\.content) == ["be brief", "hi there"])
        #expect(request.fields.maxTokens == 7)  // max_completion_tokens wins
        #expect(request.fields.stop == ["END"])
        #expect(request.fields.temperature == nil)
        #expect(request.fields.stream && request.fields.includeUsage)
        #expect(request.fields.seed == -3)
        #expect(request.fields.traceReplay?.segments.count == 2)
        #expect(request.fields.traceReplay?.segments[0].call?.returnedTokens == 4)
        let list = try Self.decode(ChatCompletionRequest.self, #"{"messages":[{"role":"user","content":null}],"stop":["a","b"]}"#)
        #expect(list.fields.stop == ["a", "b"] && list.messages[0].content == "")
    }

    @Test("wrong values name their field", arguments: [
        (#"{"messages":"hi"}"#, "messages"),
        (#"{"messages":[{"role":"user","content":5}]}"#, "messages[0].content"),
        (#"{"messages":[{"content":"x"}]}"#, "messages[0].role"),
        (#"{"messages":[],"temperature":"x"}"#, "temperature"),
        (#"{"messages":[],"stop":[1]}"#, "stop"),
        (#"{"messages":[],"max_tokens":1.5}"#, "max_tokens"),
        (#"{"messages":[],"stream_options":{"include_usage":"yes"}}"#, "stream_options.include_usage"),
        (#"{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#, "image_url"),
        (#"{}"#, "messages"),
    ])
    func wrongValuesNameTheirField(_ json: String, _ field: String) {
        #expect(throws: WireError.self) { try Self.decode(ChatCompletionRequest.self, json) }
        do {
            _ = try Self.decode(ChatCompletionRequest.self, json)
        } catch {
            #expect(error.message.contains(field), "\(error.message)")
        }
    }

    @Test func completionPrompts() throws {
        #expect(try Self.decode(CompletionRequest.self, #"{"prompt":"hi"}"#).prompt == .text("hi"))
        #expect(try Self.decode(CompletionRequest.self, #"{"prompt":[1,2,3]}"#).prompt == .tokens([1, 2, 3]))
        #expect(try Self.decode(CompletionRequest.self, #"{"prompt":["only"]}"#).prompt == .text("only"))
        #expect(try Self.decode(CompletionRequest.self, #"{"prompt":[[4,5]]}"#).prompt == .tokens([4, 5]))
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, #"{"prompt":["a","b"]}"#) }
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, #"{"prompt":{"x":1}}"#) }
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, #"{"max_tokens":3}"#) }
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, "") }
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, "null") }
        #expect(throws: WireError.self) { try Self.decode(CompletionRequest.self, #"{"prompt":"\#(String(repeating: "[", count: 5000))"}"#.replacingOccurrences(of: "\"[", with: "[")) }
    }

    @Test func writerEscapesAndOrders() throws {
        var json = JSONWriter()
        json.object { json in
            json.field("text", "quote \" backslash \\ newline \n tab \t bell \u{7} é 🌊")
            json.nullField("none")
            json.array("list") { json in
                json.value(1)
                json.value(2.5)
                json.value(true)
            }
            json.object("nested") { $0.field("k", "v") }
        }
        #expect(json.text == #"{"text":"quote \" backslash \\ newline \n tab \t bell \u0007 é 🌊","none":null,"list":[1,2.5,true],"nested":{"k":"v"}}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]
        #expect(parsed?["text"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7} é 🌊")
    }

    @Test("templated chunks equal written chunks", arguments: ["Hello", "", " \"quoted\" \\ \n", "é🌊", "\u{1}\u{2}", "}],\"x\":"])
    func templatedChunks(_ text: String) {
        let header = ResponseHeader(id: "chatcmpl-x", created: 1_700_000_000, model: "m")
        for chat in [true, false] {
            for usage in [true, false] {
                let template = StreamChunkTemplate(header, chat: chat, includeUsageNull: usage)
                for role in chat ? [true, false] : [false] {
                    var bytes: [UInt8] = []
                    template.frame(text, role: role, into: &bytes)
                    let expected = ServerSentEvents.event(chat
                        ? ResponseBodies.chatChunk(header, role: role, content: text, finishReason: nil, includeUsageNull: usage)
                        : ResponseBodies.completionChunk(header, text: text, finishReason: nil, includeUsageNull: usage))
                    #expect(bytes == expected)
                }
            }
        }
    }

    @Test func errorEnvelopeAndUsage() throws {
        let error = ResponseBodies.error(message: "bad 'n'", type: "BadRequestError", param: "n", code: 400)
        #expect(String(decoding: error, as: UTF8.self) == #"{"error":{"message":"bad 'n'","type":"BadRequestError","param":"n","code":400}}"#)
        let header = ResponseHeader(id: "cmpl-1", created: 5, model: "m")
        let body = ResponseBodies.completion(header, text: "t", finishReason: "length", usage: Usage(promptTokens: 3, completionTokens: 2, cachedTokens: 1))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let usage = try #require(parsed["usage"] as? [String: Any])
        #expect(usage["total_tokens"] as? Int == 5)
        #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 1)
        #expect(parsed["augserve"] == nil)
    }
}
