import Foundation
import Testing

/// `response_format` with the real model over HTTP: sampled (temperature 1, many seeds) outputs
/// always parse and satisfy the schema, streamed or not; an unsupported keyword is a 400 naming it.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct StructuredOutputServerTests {
    static let person = #"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120},"role":{"enum":["admin","user","guest"]}},"required":["name","age","role"],"additionalProperties":false}"#
    static let readings = #"{"type":"object","properties":{"values":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":4},"ok":{"type":"boolean"}},"required":["values","ok"],"additionalProperties":false}"#

    static func body(_ format: String, seed: Int, stream: Bool = false, maxTokens: Int = 120) -> String {
        #"{"messages":[{"role":"user","content":"Describe one person as JSON."}],"temperature":1,"seed":\#(seed),"max_tokens":\#(maxTokens),"stream":\#(stream),"response_format":\#(format)}"#
    }

    static func content(_ reply: LiveServer.Reply) -> String {
        ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String ?? ""
    }

    static func parse(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// JSONSerialization gives booleans as NSNumber too; on Linux their class name says so.
    static func isBoolean(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(describing: type(of: number)).contains("Boolean")
    }

    static func isInteger(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber, !isBoolean(number) else { return false }
        return number.doubleValue == number.doubleValue.rounded()
    }

    /// Whether `object` satisfies `person` (checked by hand, independently of the server's compiler).
    static func isPerson(_ object: [String: Any]) -> Bool {
        guard Set(object.keys) == ["name", "age", "role"], let name = object["name"] as? String, (1...12).contains(name.count),
              isInteger(object["age"]), let age = (object["age"] as? NSNumber)?.intValue, (0...120).contains(age),
              let role = object["role"] as? String, ["admin", "user", "guest"].contains(role)
        else { return false }
        return true
    }

    static func isReadings(_ object: [String: Any]) -> Bool {
        guard Set(object.keys) == ["values", "ok"], let values = object["values"] as? [Any], (2...4).contains(values.count),
              values.allSatisfy({ $0 is NSNumber && !isBoolean($0) }), isBoolean(object["ok"])
        else { return false }
        return true
    }

    @Test func sampledOutputsAlwaysValidate() async throws {
        let server = try await LiveServer.start(LiveServer.settings())
        // Bounded schemas: every answer ends with the grammar (finish "stop") and validates.
        let cases: [(String, ([String: Any]) -> Bool)] = [
            (#"{"type":"json_schema","json_schema":{"name":"person","schema":\#(Self.person)}}"#, Self.isPerson),
            (#"{"type":"json_schema","json_schema":{"name":"readings","schema":\#(Self.readings)}}"#, Self.isReadings),
        ]
        var valid = 0
        for (format, satisfies) in cases {
            for seed in 1...8 {
                let reply = try await server.post("/v1/chat/completions", Self.body(format, seed: seed))
                #expect(reply.status == 200, "\(reply.text)")
                let text = Self.content(reply)
                if let object = Self.parse(text), satisfies(object) { valid += 1 } else { Issue.record("seed \(seed), \(format): \(text)") }
                let finish = (reply.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String
                #expect(finish == "stop", "the grammar's end finishes the response: \(String(describing: finish))")
            }
        }
        #expect(valid == 16)
        // json_object has no bound on its strings: an answer may reach max_tokens (finish "length",
        // truncated, as in vLLM); every answer that ends by itself is an object.
        var ended = 0
        for seed in 1...8 {
            let reply = try await server.post("/v1/chat/completions", Self.body(#"{"type":"json_object"}"#, seed: seed, maxTokens: 300))
            let text = Self.content(reply)
            let finish = (reply.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String
            if finish == "stop" {
                ended += 1
                #expect(Self.parse(text) != nil, "seed \(seed): not a JSON object: \(text)")
            } else {
                #expect(finish == "length" && text.hasPrefix("{"), "seed \(seed): \(String(describing: finish)) \(text)")
            }
        }
        #expect(ended >= 4, "only \(ended) of 8 json_object answers ended within 300 tokens")
        // Streamed: the concatenated deltas are the same valid value as the non-streamed answer.
        let format = #"{"type":"json_schema","json_schema":{"name":"person","schema":\#(Self.person)}}"#
        let plain = Self.content(try await server.post("/v1/chat/completions", Self.body(format, seed: 3)))
        let streamed = try await server.post("/v1/chat/completions", Self.body(format, seed: 3, stream: true))
        let text = streamed.body.sseFrames.compactMap { frame -> String? in
            guard frame.hasPrefix("data: "), let object = Self.parse(String(frame.dropFirst(6))) else { return nil }
            return (((object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String)
        }.joined()
        #expect(text == plain)
        #expect(Self.parse(text).map(Self.isPerson) == true, "\(text)")
        try await server.expectIdle()
        await server.stop()
    }

    @Test func unsupportedSchemasAreClearErrors() async throws {
        let server = try await LiveServer.start(LiveServer.settings())
        let cases: [(String, String)] = [
            (#"{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","pattern":"^a+$"}}}"#, "pattern"),
            (#"{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string","format":"email"}}}}}"#, "format"),
            (#"{"type":"json_schema","json_schema":{"name":"x"}}"#, "schema"),
            (#"{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"integer","minimum":5,"maximum":1}}}"#, "admits no value"),
            (#"{"type":"xml"}"#, "response_format"),
        ]
        for (format, mention) in cases {
            let reply = try await server.post("/v1/chat/completions", Self.body(format, seed: 1))
            #expect(reply.status == 400, "\(format): \(reply.status) \(reply.text)")
            let message = ((reply.json["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains(mention), "\(format): \(message)")
        }
        try await server.expectIdle()
        await server.stop()
    }
}
