import APIServer
import AsyncHTTPClient
import EngineRuntime
import ServingCore
import Foundation
import NIOCore
import NIOPosix
import Tokenization
import Transformer

/// Figures of the HTTP server against the engine itself, each measured in the same run as its
/// reference, alternating: aggregate decode tokens/s at 32 concurrent streams over HTTP against
/// `bench-model`'s 32-sequence figure; unloaded TTFT over HTTP against the engine's own prefill
/// step for the same prompt; `/metrics` latency while the engine is saturated.
public struct ServerBenchmark: Sendable {
    public struct Result: Sendable {
        public var streams: Int
        public var httpDecodeTokensPerSecond: [Double] = []
        public var engineDecodeTokensPerSecond: [Double] = []
        public var referenceDecodeTokensPerSecond: [Double] = []
        public var clientTTFT: [Double] = []
        public var prefillStep: [Double] = []
        public var metricsLatency: [Double] = []
        public var metricsUnloaded: [Double] = []
        public var failedRequests = 0
    }

    public var streams = 32
    public var decodeTokens = 80
    public var rounds = 3
    public var ttftSamples = 20

    public init() {}

    public func run(stack: ServingStack, port: Int, llama: LlamaModel, threads: Int, progress: (String) -> Void) async throws -> Result {
        var result = Result(streams: streams)
        let client = Self.client()
        let scraper = Self.client()
        defer {
            _ = client.shutdown()
            _ = scraper.shutdown()
        }
        let reference = ModelBenchmark(model: llama, pool: WorkerPool(threadCount: threads))
        let base = "http://127.0.0.1:\(port)"
        let ids = stack.model.tokenizer.encode(Self.decodePrompt, parseSpecial: true)
        for round in 1...rounds {
            progress("round \(round)/\(rounds): bench-model \(streams)-sequence reference")
            result.referenceDecodeTokensPerSecond.append(try reference.measureDecode(sequences: streams))
            // Like the reference (best of its repetitions), each figure is the best of three runs.
            progress("round \(round)/\(rounds): \(streams) requests submitted to the engine directly (no HTTP)")
            var engineBest = 0.0, httpBest = 0.0
            for _ in 0..<3 { engineBest = max(engineBest, try await decodeInEngine(stack.engine, prompt: ids)) }
            result.engineDecodeTokensPerSecond.append(engineBest)
            progress("round \(round)/\(rounds): \(streams) concurrent HTTP streams")
            for _ in 0..<3 {
                let (rate, failed, _) = try await decodeOverHTTP(client: client, base: base, scrapes: false)
                httpBest = max(httpBest, rate)
                result.failedRequests += failed
            }
            result.httpDecodeTokensPerSecond.append(httpBest)
        }
        progress("/metrics unloaded")
        result.metricsUnloaded = try await Self.scrapes(client: scraper, base: base, count: 200)
        progress("/metrics scraped every 10 ms while \(streams) streams decode")
        let (_, failed, latencies) = try await decodeOverHTTP(client: client, scraper: scraper, base: base, scrapes: true)
        result.failedRequests += failed
        result.metricsLatency = latencies
        progress("unloaded TTFT: \(ttftSamples) requests, each next to the prefill step of the same prompt")
        let prompt = "Hello, how are you?"
        let promptIDs = stack.model.tokenizer.encode(prompt, parseSpecial: true)
        for _ in 0..<ttftSamples {
            result.prefillStep.append(try Self.prefillStep(llama, promptIDs, threads: threads))
            result.clientTTFT.append(try await Self.ttft(client: client, base: base, prompt: prompt))
        }
        return result
    }

    /// The load generator's client runs on its own event loop, not the server's: in one process they
    /// would otherwise share NIO threads, and the client's work would count as the server's.
    static func client(threads: Int = 1) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(300))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: threads), configuration: configuration)
    }

    static func request(_ url: String, body: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    /// `streams` streams in parallel; the rate counts tokens after each stream's first, from the
    /// moment the last stream had its first token to the moment the last one finished, so it is
    /// the batched decode rate, not prefill. Meanwhile `/metrics` is scraped every 10 ms.
    static let decodePrompt = "The history of the city begins"

    /// The same load without HTTP: requests submitted to the engine, tokens counted as they arrive.
    private func decodeInEngine(_ engine: EngineService, prompt: [Int32]) async throws -> Double {
        let spec = RequestSpec(
            promptTokens: prompt, sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: decodeTokens)
        let outcomes = try await withThrowingTaskGroup(of: StreamOutcome?.self) { group in
            for _ in 0..<streams {
                let handle = try engine.submit(spec)
                group.addTask {
                    var times: [ContinuousClock.Instant] = []
                    for await event in handle.events { if case .token = event { times.append(.now) } }
                    guard let first = times.first, let last = times.last else { return nil }
                    return StreamOutcome(firstToken: first, end: last, chunkTimes: times)
                }
            }
            var all: [StreamOutcome?] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        return Self.rate(outcomes.compactMap { $0 })
    }

    static func rate(_ good: [StreamOutcome]) -> Double {
        guard let lastFirst = good.map(\.firstToken).max(), let lastEnd = good.map(\.end).max(), lastEnd > lastFirst else { return 0 }
        let tokens = good.reduce(0) { $0 + $1.chunkTimes.filter { $0 > lastFirst }.count }
        return Double(tokens) / (lastEnd - lastFirst).seconds
    }

    private func decodeOverHTTP(client: HTTPClient, scraper: HTTPClient? = nil, base: String, scrapes: Bool) async throws -> (Double, Int, [Double]) {
        let scraper = scraper ?? client
        let body = #"{"prompt":"\#(Self.decodePrompt)","max_tokens":\#(decodeTokens),"ignore_eos":true,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}"#
        let scraping = Task { () -> [Double] in
            var latencies: [Double] = []
            while scrapes && !Task.isCancelled {
                let start = ContinuousClock.now
                var request = HTTPClientRequest(url: base + "/metrics")
                request.method = .GET
                if let response = try? await scraper.execute(request, timeout: .seconds(10)), let _ = try? await response.body.collect(upTo: 4 << 20) {
                    latencies.append((ContinuousClock.now - start).seconds)
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return latencies
        }
        let outcomes = try await withThrowingTaskGroup(of: StreamOutcome?.self) { group in
            for _ in 0..<streams {
                group.addTask { try? await Self.stream(client: client, request: Self.request(base + "/v1/completions", body: body)) }
            }
            var all: [StreamOutcome?] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        scraping.cancel()
        let latencies = await scraping.value
        let good = outcomes.compactMap { $0 }
        return (Self.rate(good), streams - good.count, latencies)
    }

    /// When a stream's content chunks (one per token with text) arrived.
    struct StreamOutcome: Sendable {
        var firstToken: ContinuousClock.Instant
        var end: ContinuousClock.Instant
        var chunkTimes: [ContinuousClock.Instant]
    }

    static func stream(client: HTTPClient, request: HTTPClientRequest) async throws -> StreamOutcome {
        let response = try await client.execute(request, timeout: .seconds(300))
        var times: [ContinuousClock.Instant] = []
        times.reserveCapacity(256)
        var tail: [UInt8] = []
        for try await chunk in response.body {
            // One content chunk per `"finish_reason":null` (counted on the bytes: the client's own
            // parsing must cost little, it shares the machine with the server).
            let count = Self.occurrences(of: Self.contentMarker, in: chunk.readableBytesView)
            if count > 0 {
                let now = ContinuousClock.now
                for _ in 0..<count { times.append(now) }
            }
            tail = Array((tail + chunk.readableBytesView).suffix(16))
        }
        guard let first = times.first, let last = times.last, tail.suffix(14).elementsEqual(Array("data: [DONE]\n\n".utf8)) else {
            throw CancellationError()
        }
        return StreamOutcome(firstToken: first, end: last, chunkTimes: times)
    }

    static let contentMarker = Array("\"finish_reason\":null".utf8)

    static func occurrences(of needle: [UInt8], in bytes: ByteBufferView) -> Int {
        var count = 0, matched = 0
        for byte in bytes {
            if byte == needle[matched] {
                matched += 1
                if matched == needle.count {
                    count += 1
                    matched = 0
                }
            } else {
                matched = byte == needle[0] ? 1 : 0
            }
        }
        return count
    }

    static func scrapes(client: HTTPClient, base: String, count: Int) async throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            var request = HTTPClientRequest(url: base + "/metrics")
            request.method = .GET
            _ = try await client.execute(request, timeout: .seconds(10)).body.collect(upTo: 4 << 20)
            latencies.append((ContinuousClock.now - start).seconds)
        }
        return latencies
    }

    /// Client-side TTFT: request sent to the first content chunk.
    static func ttft(client: HTTPClient, base: String, prompt: String) async throws -> Double {
        let body = #"{"prompt":"\#(prompt)","max_tokens":2,"temperature":0,"stream":true}"#
        let start = ContinuousClock.now
        let response = try await client.execute(request(base + "/v1/completions", body: body), timeout: .seconds(60))
        var first: Double?
        for try await chunk in response.body where first == nil {
            if String(buffer: chunk).contains("\"text\"") { first = (ContinuousClock.now - start).seconds }
        }
        return first ?? .infinity
    }

    /// The engine's own work for the first token: one prefill pass of the prompt and its sample.
    static func prefillStep(_ llama: LlamaModel, _ ids: [Int32], threads: Int) throws -> Double {
        var stream = try TokenStream(model: llama, promptIDs: ids, maxTokens: 1, pool: WorkerPool(threadCount: threads))
        let start = ContinuousClock.now
        _ = try stream.next(.greedy)
        return (ContinuousClock.now - start).seconds
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
