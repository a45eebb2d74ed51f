import Foundation
import Hummingbird
import Measurement
import ModelFiles
import NIOCore
import Testing
import Tokenization
import Workloads
@testable import LoadGenerator

/// The load generator against a stub OpenAI endpoint that answers at once: it must not be the
/// bottleneck. The highest rate the live comparisons use is 8 req/s; this sends 100 req/s (12.5×).
@Suite(.serialized) struct StubServerTests {
    /// A stub `/v1/models` and streaming `/v1/completions`: four content chunks, usage, `[DONE]`;
    /// a prompt containing "fail" gets a 500.
    static func withStub(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/v1/models") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"object":"list","data":[{"id":"stub","object":"model"}]}"#)))
        }
        router.post("/v1/completions") { request, _ -> Response in
            let text = String(buffer: try await request.body.collect(upTo: 1 << 22))
            if text.contains("\"prompt\":\"fail") {
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"stub failure"}}"#)))
            }
            var sse = ""
            for _ in 0..<4 { sse += "data: {\"choices\":[{\"index\":0,\"text\":\" x\",\"finish_reason\":null}]}\n\n" }
            sse += "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\ndata: [DONE]\n\n"
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: sse)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        try await body(await iterator.next() ?? 0)
    }

    static func arrivals(rate: Double, window: Duration, callDuration: Duration = .zero) throws -> [ArrivingRequest] {
        let trace = TraceRequest(
            key: "k", type: "math", promptTokenCount: 8,
            segments: [TraceSegment(decodeTokenCount: 2, call: TraceCall(kind: .calculator, duration: callDuration, returnedTokenCount: 3)), TraceSegment(decodeTokenCount: 2)],
            contextLimit: 2048)
        return try WorkloadSchedule.make(workload: Workload(name: "stub", requests: [trace]), arrivals: .poisson(ratePerSecond: rate), window: window, seed: 3)
    }

    @Test(arguments: BenchTarget.allCases)
    func sustainsTenTimesTheHighestRate(target: BenchTarget) async throws {
        try await Self.withStub { port in
            let arrivals = try Self.arrivals(rate: 100, window: .seconds(6))
            var run = LoadRun(baseURL: "http://127.0.0.1:\(port)", target: target, filler: FillerText(words: [" a", " b"]))
            run.concurrency = 256
            run.drainLimit = .seconds(30)
            let records = try await run.run(arrivals, window: .seconds(6)) { _ in }
            #expect(records.count == arrivals.count)
            #expect(records.allSatisfy { $0.failure == nil }, "\(records.compactMap(\.failure).prefix(3))")
            // Sent on schedule: how late each request went out after its arrival.
            let lags = records.compactMap { record in record.sentAt.map { ($0 - record.arrival).secondsValue } }.sorted()
            let p99 = Percentile.of(99, sorted: lags)
            print("stub, \(target): \(arrivals.count) requests at 100 req/s, send lag p50 \(Percentile.of(50, sorted: lags) * 1000) ms, p99 \(p99 * 1000) ms")
            let generated = records.map(\.generatedTokens)
            #expect(generated.allSatisfy { $0 == (target == .augserve ? 4 : 8) }, "\(Set(generated))")
            if target == .generic {
                #expect(records.allSatisfy { $0.callCount == 1 && $0.returnedTokens == 3 })
            }
            // The stub counts 3 prompt tokens per HTTP request; the workload means 8 (the prompt),
            // and in generic mode 8 + (8 + 2 decoded + 3 returned) over its two requests.
            #expect(records.allSatisfy { $0.serverPromptTokens == (target == .augserve ? 3 : 6) })
            #expect(records.allSatisfy { $0.intendedPromptTokens == (target == .augserve ? 8 : 21) })
        }
    }

    @Test func failuresAndTheDrainLimitAreReported() async throws {
        try await Self.withStub { port in
            // A 30 s call cannot end within a 1 s drain: the request is cancelled and missed.
            let arrivals = try Self.arrivals(rate: 5, window: .seconds(1), callDuration: .seconds(30))
            var run = LoadRun(baseURL: "http://127.0.0.1:\(port)", target: .generic, filler: FillerText(words: [" a"]))
            run.drainLimit = .seconds(1)
            let records = try await run.run(arrivals, window: .seconds(1)) { _ in }
            #expect(!records.isEmpty)
            #expect(records.allSatisfy { $0.failure == "not finished within the drain limit" }, "\(records.map(\.failure))")
            #expect(records.allSatisfy { $0.firstTokenAt != nil && $0.finishedAt == nil })
            // A server error names its status and message.
            let failing = FillerText(words: ["fail"])
            let errors = try await LoadRun(baseURL: "http://127.0.0.1:\(port)", target: .augserve, filler: failing)
                .run(Self.arrivals(rate: 5, window: .seconds(1)), window: .seconds(1)) { _ in }
            #expect(errors.allSatisfy { $0.failure == "HTTP 500: stub failure" }, "\(errors.map(\.failure))")
        }
        // Nobody listening: a clear error before anything is sent.
        await #expect(throws: BenchError.self) {
            _ = try await LoadRun(baseURL: "http://127.0.0.1:1", target: .augserve, filler: FillerText(words: [" a"]))
                .run(Self.arrivals(rate: 1, window: .seconds(1)), window: .seconds(1)) { _ in }
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: DefaultModel.path(environment: ProcessInfo.processInfo.environment)), "model not installed"))
    func fillerTextHasTheExactTokenCount() throws {
        let tokenizer = try Tokenizer(file: try GGUFFile(path: DefaultModel.path(environment: ProcessInfo.processInfo.environment)))
        let filler = FillerText(tokenizer: tokenizer)
        #expect(filler.words.count > 100)
        for (count, key) in [(1, 1), (17, 2), (250, 3), (1000, 4)] as [(Int, UInt64)] {
            #expect(tokenizer.encode(filler.text(tokens: count, key: key)).count == count)
        }
    }
}
