import AsyncHTTPClient
import Foundation
import NIOCore
import ServingCore
import Testing
import Workloads

/// Bounded load on loopback: a soak of mixed requests with disconnecting clients, and a fuzz of
/// malformed bodies and headers. Both end with nothing leaked and the server healthy.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct SoakAndFuzzTests {
    enum Outcome: String, CaseIterable { case completed, disconnected, failed }

    /// 500 requests — chat, completions, streaming or not, trace replay with calls — 32 at a time,
    /// a fifth of the clients disconnecting at a random point.
    @Test func soak() async throws {
        let server = try await LiveServer.start(LiveServer.settings(policy: .augserve) {
            $0.kvCacheTokens = 2048
            $0.maxModelLength = 1024
        })
        let total = 500, concurrency = 32
        var random = SeededRandom(seed: 2026)
        let plans = (0..<total).map { _ in SoakRequest.random(&random) }
        var counts: [Outcome: Int] = [:]
        var failures: [String] = []
        try await withThrowingTaskGroup(of: (Outcome, String?).self) { group in
            var next = 0
            func launch() {
                let plan = plans[next]
                next += 1
                group.addTask { await plan.run(server) }
            }
            for _ in 0..<concurrency { launch() }
            while let (outcome, detail) = try await group.next() {
                counts[outcome, default: 0] += 1
                if let detail, failures.count < 5 { failures.append(detail) }
                if next < total { launch() }
            }
        }
        try await server.expectIdle()
        let snapshot = server.engine.snapshot
        let health = try await server.get("/health").status
        print("soak: \(total) requests, concurrency \(concurrency): completed \(counts[.completed] ?? 0), disconnected \(counts[.disconnected] ?? 0), failed \(counts[.failed] ?? 0); leaked blocks \(snapshot.engine?.deviceBlocksUsed ?? -1), stuck requests \(server.engine.liveRequestCount), invariant violations \(snapshot.invariantViolationCount), preemptions \(snapshot.engine?.preemptionCount ?? 0), /health \(health)")
        #expect(counts[.failed, default: 0] == 0, "\(failures)")
        #expect((counts[.completed] ?? 0) + (counts[.disconnected] ?? 0) == total)
        #expect(counts[.disconnected, default: 0] > 50)
        #expect(snapshot.engine?.deviceBlocksUsed == 0 && snapshot.engine?.hostBlocksUsed == 0)
        #expect(server.engine.liveRequestCount == 0)
        #expect(health == 200)
        await server.stop()
    }

    /// 10,000 malformed or mutated bodies and headers: every answer a 4xx in the error envelope,
    /// no crash, the server healthy and serving afterwards.
    @Test func fuzz() async throws {
        let server = try await LiveServer.start(LiveServer.settings { $0.server.maxBodyByteCount = 32 << 10 })
        var random = SeededRandom(seed: 7)
        let cases = (0..<10_000).map { _ in FuzzCase.random(&random) }
        var statuses: [Int: Int] = [:]
        var wrong: [String] = []
        try await withThrowingTaskGroup(of: (Int, Bool, String).self) { group in
            var next = 0
            func launch() {
                let fuzz = cases[next]
                next += 1
                group.addTask {
                    let reply = try await server.request(.POST, fuzz.path, body: fuzz.body, headers: fuzz.headers)
                    let error = reply.json["error"] as? [String: Any]
                    let enveloped = error?["message"] is String && error?["type"] is String && error?["code"] as? Int == reply.status
                        && error?.keys.contains("param") == true
                    return (reply.status, enveloped, fuzz.label)
                }
            }
            for _ in 0..<16 { launch() }
            while let (status, enveloped, label) = try await group.next() {
                statuses[status, default: 0] += 1
                if !(400..<500).contains(status) || !enveloped, wrong.count < 10 { wrong.append("\(label): \(status)") }
                if next < cases.count { launch() }
            }
        }
        print("fuzz: 10000 bodies: statuses \(statuses.sorted { $0.key < $1.key })")
        #expect(wrong.isEmpty, "\(wrong)")
        // Malformed HTTP itself (request lines, headers) never reaches the router: Hummingbird
        // answers 400 and closes; the server stays up.
        var rawStatuses: [String: Int] = [:]
        var unexpected: [String] = []
        for index in 0..<200 {
            let (status, head) = try RawSocket.exchange(port: server.port, bytes: FuzzCase.malformedHTTP(index, &random))
            rawStatuses[status, default: 0] += 1
            if !(status.hasPrefix("4") || status == "closed"), unexpected.count < 3 { unexpected.append("#\(index): \(head.prefix(300))") }
        }
        print("fuzz: 200 malformed HTTP requests: \(rawStatuses)")
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(try await server.get("/health").status == 200)
        let served = try await server.post("/v1/completions", #"{"prompt":"Hello","max_tokens":3}"#)
        #expect(served.status == 200)
        try await server.expectIdle()
        await server.stop()
    }
}

/// One soak client.
struct SoakRequest: Sendable {
    var path: String
    var body: String
    var stream: Bool
    /// Disconnect after this many chunks (streaming) or this delay (not streaming).
    var disconnectAfter: Int?

    static func random(_ random: inout SeededRandom) -> SoakRequest {
        let kind = random.nextInt(below: 10)
        let maxTokens = 4 + random.nextInt(below: 20)
        let stream = random.nextInt(below: 2) == 0
        let words = ["alpha", "river", "seven", "cloud", "stone", "light", "north", "paper"]
        let topic = (0..<(3 + random.nextInt(below: 20))).map { _ in words[random.nextInt(below: words.count)] }.joined(separator: " ")
        let disconnect = random.nextInt(below: 5) == 0 ? 1 + random.nextInt(below: 6) : nil
        let streamField = stream ? #","stream":true,"stream_options":{"include_usage":true}"# : ""
        switch kind {
        case 0..<4:
            return SoakRequest(
                path: "/v1/chat/completions",
                body: #"{"messages":[{"role":"user","content":"Tell me about \#(topic)."}],"max_tokens":\#(maxTokens),"temperature":0.7,"seed":\#(kind)\#(streamField)}"#,
                stream: stream, disconnectAfter: disconnect)
        case 4..<7:
            return SoakRequest(
                path: "/v1/completions", body: #"{"prompt":"\#(topic)","max_tokens":\#(maxTokens),"temperature":0\#(streamField)}"#,
                stream: stream, disconnectAfter: disconnect)
        default:
            let calls = 1 + random.nextInt(below: 2)
            let segments = (0..<calls).map { _ in
                #"{"decode":\#(2 + random.nextInt(below: 8)),"call":{"name":"\#(["search", "calculator", "tts"][random.nextInt(below: 3)])","duration_s":\#(Double(random.nextInt(below: 30)) / 100),"returned_tokens":\#(random.nextInt(below: 40))}}"#
            }.joined(separator: ",") + #",{"decode":\#(2 + random.nextInt(below: 8))}"#
            return SoakRequest(
                path: "/v1/completions",
                body: #"{"prompt":"\#(topic)","temperature":0,"augserve":{"class":"c\#(calls)","segments":[\#(segments)]}\#(streamField)}"#,
                stream: stream, disconnectAfter: disconnect)
        }
    }

    func run(_ server: LiveServer) async -> (SoakAndFuzzTests.Outcome, String?) {
        let request = HTTPRequestBuilder(url: server.base + path, body: body).build()
        do {
            if let limit = disconnectAfter, !stream {
                let task = Task { try await LiveServer.client.execute(request, timeout: .seconds(120)).body.collect(upTo: 1 << 20) }
                try await Task.sleep(for: .milliseconds(10 * limit))
                task.cancel()
                _ = try? await task.value
                return (.disconnected, nil)
            }
            let response = try await LiveServer.client.execute(request, timeout: .seconds(120))
            guard response.status == .ok else {
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                return (.failed, "\(response.status.code) \(path): \(text.prefix(200))")
            }
            var chunks = 0
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                chunks += 1
                bytes += chunk.readableBytesView
                if let limit = disconnectAfter, chunks >= limit { return (.disconnected, nil) }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if stream {
                guard text.hasSuffix("data: [DONE]\n\n"), !text.contains("\"error\"") else { return (.failed, "stream: \(text.suffix(300))") }
            } else {
                guard text.contains("\"finish_reason\"") else { return (.failed, "body: \(text.prefix(300))") }
            }
            return (.completed, nil)
        } catch {
            return disconnectAfter != nil ? (.disconnected, nil) : (.failed, "\(path): \(error)")
        }
    }
}

/// One fuzzed request.
struct FuzzCase: Sendable {
    var label: String
    var path: String
    var body: [UInt8]
    var headers: [(String, String)]

    static let paths = ["/v1/chat/completions", "/v1/completions", "/tokenize", "/detokenize"]
    static let valid: [String: String] = [
        "/v1/chat/completions": #"{"model":"SmolLM2-135M-Instruct.Q4_1","messages":[{"role":"user","content":"Hello there"}],"max_tokens":4,"temperature":0.5,"top_p":0.9,"stop":["\n"],"stream":false}"#,
        "/v1/completions": #"{"prompt":"Hello there","max_tokens":4,"temperature":0.5,"top_k":40,"seed":3,"stop":"x"}"#,
        "/tokenize": #"{"prompt":"Hello there"}"#,
        "/detokenize": #"{"tokens":[1,2,3]}"#,
    ]
    /// Fields of each endpoint with values of the wrong type or out of range (never accepted).
    static let poison: [String: [(String, String)]] = [
        "/v1/chat/completions": [
            ("messages", "7"), ("messages", #"[{"role":1}]"#), ("messages", #"[{"content":"x"}]"#), ("max_tokens", "-5"),
            ("max_tokens", "1e400"), ("max_tokens", "99999999999999999999999"), ("temperature", #""warm""#), ("temperature", "-0.5"),
            ("top_p", "2"), ("n", "9"), ("stop", "[1,2]"), ("seed", "1.5"), ("stream", #""yes""#), ("min_p", "7"),
            ("logprobs", "true"), ("priority", "1e12"), ("augserve", #"{"segments":"x"}"#), ("stop_token_ids", #"["a"]"#),
        ],
        "/v1/completions": [
            ("prompt", "{}"), ("prompt", #"[["a"]]"#), ("prompt", "[-1]"), ("prompt", #"["a","b"]"#), ("max_tokens", "0"),
            ("top_k", "-7"), ("echo", "true"), ("best_of", "3"), ("logprobs", "2"), ("suffix", #""tail""#), ("temperature", "1e999"),
        ],
        "/tokenize": [("prompt", "5"), ("messages", "[5]")],
        "/detokenize": [("tokens", #""abc""#), ("tokens", "[-3]"), ("tokens", "[99999999]")],
    ]

    static func random(_ random: inout SeededRandom) -> FuzzCase {
        let path = paths[random.nextInt(below: paths.count)]
        let base = Array(valid[path]!.utf8)
        var headers: [(String, String)] = []
        let body: [UInt8]
        let label: String
        switch random.nextInt(below: 9) {
        case 0:
            let cut = random.nextInt(below: base.count - 1)
            body = Array(base.prefix(cut))
            label = "truncated at \(cut)"
        case 1, 2:
            let options = poison[path]!
            let (field, value) = options[random.nextInt(below: options.count)]
            body = Array(replace(String(decoding: base, as: UTF8.self), field: field, with: value).utf8)
            label = "\(field)=\(value)"
        case 3:
            var bytes = base
            let at = bytes.firstIndex(of: UInt8(ascii: "\""))! + 1
            bytes.insert(contentsOf: [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80], at: min(at + random.nextInt(below: 8), bytes.count - 2))
            body = bytes
            label = "invalid UTF-8"
        case 4:
            let depth = 10 + random.nextInt(below: 10_000)
            body = Array("{\"messages\":".utf8) + Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth) + [UInt8(ascii: "}")]
            label = "nesting \(depth)"
        case 5:
            body = (0..<random.nextInt(below: 400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            label = "random bytes"
        case 6:
            body = [UInt8](repeating: UInt8(ascii: " "), count: 40 << 10) + base
            label = "oversize"
        case 7:
            body = base
            headers = [("x-slo-ttft-ms", ["-1", "abc", "1e999", "0", "NaN", "inf"][random.nextInt(below: 6)])]
            label = "bad SLO header \(headers)"
            if path == "/tokenize" || path == "/detokenize" { return FuzzCase(label: label, path: "/v1/completions", body: Array(valid["/v1/completions"]!.utf8), headers: headers) }
        default:
            // Replace one structural character with another: never valid JSON any more.
            var mutated = base
            let structural = Array("{}[]:,\"".utf8)
            let positions = mutated.indices.filter { structural.contains(mutated[$0]) }
            let at = positions[random.nextInt(below: positions.count)]
            let replacements = structural.filter { $0 != mutated[at] } + [UInt8(ascii: "#")]
            mutated[at] = replacements[random.nextInt(below: replacements.count)]
            body = mutated
            label = "scrambled at \(at): \(String(decoding: mutated, as: UTF8.self))"
        }
        return FuzzCase(label: "\(path) \(label)", path: path, body: body, headers: headers)
    }

    static func replace(_ json: String, field: String, with value: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return json }
        object[field] = nil
        let rest = String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        return "{\"\(field)\":\(value)," + rest.dropFirst()
    }

    /// A request that is not valid HTTP/1.1.
    static func malformedHTTP(_ index: Int, _ random: inout SeededRandom) -> [UInt8] {
        let forms = [
            "GARBAGE\r\n\r\n",
            "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
            "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "POST /v1/completions HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
            "POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZZ\r\nxx\r\n0\r\n\r\n",
        ]
        var text = forms[index % forms.count]
        if index % 7 == 0 { text = "GET /health HTTP/1.1\r\nX: " + String(repeating: "a", count: 100_000) + "\r\n\r\n" }
        return Array(text.utf8)
    }
}

/// A blocking TCP exchange for requests an HTTP client would refuse to send.
enum RawSocket {
    /// The status code of the answer ("closed" if the server closed without one).
    static func exchange(port: Int, bytes: [UInt8]) throws -> (status: String, head: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 12 else { return ("closed", "") }
        let head = String(decoding: buffer.prefix(count), as: UTF8.self)
        return (String(head.split(separator: " ").dropFirst().first ?? "?"), head)
    }
}
