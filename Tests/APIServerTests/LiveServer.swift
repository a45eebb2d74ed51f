import APIServer
import AsyncHTTPClient
import EngineRuntime
import Foundation
import ModelExecution
import ModelFiles
import NIOCore
import NIOHTTP1
import ServerAssembly
import ServingCore
import Testing
import Transformer

/// The real server (the same assembly as `augserve serve`) on 127.0.0.1, port 0, with the real
/// model, in this process; an HTTP client for it.
final class LiveServer: Sendable {
    static let modelPath = DefaultModel.path(environment: ProcessInfo.processInfo.environment)
    static let modelInstalled = FileManager.default.fileExists(atPath: modelPath)
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    let stack: ServingStack
    let port: Int
    private let task: Task<Void, any Error>
    private let shutdown: @Sendable () async -> Void

    var engine: EngineService { stack.engine }
    var base: String { "http://127.0.0.1:\(port)" }

    static func settings(policy: PolicyKind = .augserve, configure: (inout ServeSettings) -> Void = { _ in }) -> ServeSettings {
        var settings = ServeSettings(modelPath: modelPath)
        settings.policy = policy
        settings.kvCacheTokens = 4096
        settings.maxModelLength = 2048
        settings.hostSwapBytes = 64 << 20
        settings.threads = 2
        settings.server.port = 0
        settings.server.drainTimeout = .seconds(5)
        settings.runtime.checksInvariants = true
        // The debug build's kernels are far slower than release ones: measuring them is no guide.
        settings.tunesKernels = false
        configure(&settings)
        return settings
    }

    /// Starts a server; `startsEngine: false` leaves the engine loading (for `/health` 503).
    static func start(
        _ settings: ServeSettings = settings(), startsEngine: Bool = true,
        wrapExecutor: (@Sendable (CPUModelExecutor) -> any ModelExecutor)? = nil
    ) async throws -> LiveServer {
        let stack = try await ServingStack.build(settings, wrapExecutor: wrapExecutor)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let runner: Task<Void, any Error>
        let shutdown: @Sendable () async -> Void
        if startsEngine {
            let group = stack.application.serviceGroup(signals: [], onRunning: { continuation.yield($0) })
            runner = Task { try await group.run() }
            shutdown = { await group.triggerGracefulShutdown() }
        } else {
            let app = stack.application.application(onRunning: { continuation.yield($0) })
            runner = Task { try await app.runService() }
            shutdown = { runner.cancel() }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        if startsEngine { _ = await stack.engine.waitUntilReady() }
        return LiveServer(stack: stack, port: port, task: runner, shutdown: shutdown)
    }

    private init(stack: ServingStack, port: Int, task: Task<Void, any Error>, shutdown: @escaping @Sendable () async -> Void) {
        self.stack = stack
        self.port = port
        self.task = task
        self.shutdown = shutdown
    }

    func stop() async {
        await shutdown()
        _ = try? await task.value
        await stack.engine.stop()
    }

    // MARK: HTTP

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await Self.client.execute(request, timeout: .seconds(120))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(collected.readableBytesView))
    }

    func post(_ path: String, _ json: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request(.POST, path, body: Array(json.utf8), headers: headers)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request(.GET, path, headers: headers)
    }

    /// The value of a metric line `name{model_name=...} value` (first match) in `/metrics`.
    func metric(_ name: String, labels: String = "") async throws -> Double? {
        let text = try await get("/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && (labels.isEmpty || line.contains(labels)) {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return nil
    }

    /// Waits until the engine is idle with every block back, as `/metrics` shows it.
    func expectIdle(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(await engine.waitUntilIdle(timeout: .seconds(60)), sourceLocation: sourceLocation)
        var usage: Double?, running: Double?
        for _ in 0..<100 {
            usage = try await metric("vllm:kv_cache_usage_perc")
            running = try await metric("vllm:num_requests_running")
            if usage == 0 && running == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(usage == 0, "KV usage \(String(describing: usage))", sourceLocation: sourceLocation)
        #expect(running == 0, sourceLocation: sourceLocation)
        #expect(engine.snapshot.invariantViolationCount == 0, "\(engine.snapshot.firstInvariantViolation ?? "")", sourceLocation: sourceLocation)
    }
}

/// Greedy references computed with the transformer alone.
enum Reference {
    static let model = Result { try LlamaModel(path: LiveServer.modelPath) }

    /// Greedy continuation of `prompt`, stopping at `stop` ids (included) or after `count` tokens.
    static func greedy(_ prompt: [Int32], count: Int, stop: Set<Int32> = []) throws -> [Int32] {
        var stream = try TokenStream(model: model.get(), promptIDs: prompt, maxTokens: count, pool: WorkerPool(threadCount: 2))
        var tokens: [Int32] = []
        while let token = try stream.next(.greedy) {
            tokens.append(token)
            if stop.contains(token) { break }
        }
        return tokens
    }
}

extension Array where Element == UInt8 {
    /// `data: ...` frames of an SSE body.
    var sseFrames: [String] {
        String(decoding: self, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }
}
