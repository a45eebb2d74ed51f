import AsyncHTTPClient
import EngineRuntime
import Foundation
import ModelExecution
import NIOCore
import ServingCore
import Testing
import Transformer

/// Faults over HTTP: API keys, a full queue, an executor failure after the stream began, `/health`
/// before the engine is ready.
@Suite(.serialized, .enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct ServerFaultTests {
    static let chat = #"{"messages":[{"role":"user","content":"Say hi."}],"max_tokens":4,"temperature":0}"#

    @Test func apiKeyIsRequiredExceptOnProbes() async throws {
        let server = try await LiveServer.start(LiveServer.settings { $0.server.apiKey = "s3cret" })
        let missing = try await server.post("/v1/chat/completions", Self.chat)
        #expect(missing.status == 401 && (missing.json["error"] as? [String: Any])?["type"] as? String == "AuthenticationError")
        let wrong = try await server.post("/v1/chat/completions", Self.chat, headers: [("authorization", "Bearer s3creT")])
        #expect(wrong.status == 401)
        let prefix = try await server.post("/v1/chat/completions", Self.chat, headers: [("authorization", "Bearer s3cret-and-more")])
        #expect(prefix.status == 401)
        #expect(try await server.get("/v1/models").status == 401)
        let right = try await server.post("/v1/chat/completions", Self.chat, headers: [("authorization", "Bearer s3cret")])
        #expect(right.status == 200)
        #expect(try await server.get("/health").status == 200)
        #expect(try await server.get("/metrics").status == 200)
        await server.stop()
    }

    /// One running slot and one queued: the third request is refused with 503 and `Retry-After`
    /// before anything is tokenized.
    @Test func fullQueueIs503WithRetryAfter() async throws {
        let server = try await LiveServer.start(LiveServer.settings {
            $0.maxRunningRequests = 1
            $0.runtime.maxQueuedRequestCount = 1
        })
        let long = HTTPRequestBuilder.stream(server, #"{"prompt":"Once","max_tokens":150,"ignore_eos":true,"temperature":0,"stream":true}"#)
        let running = try await LiveServer.client.execute(long.build(), timeout: .seconds(60))
        var iterator = running.body.makeAsyncIterator()
        _ = try await iterator.next()  // it runs: no longer queued
        let queued = Task { try await server.post("/v1/completions", #"{"prompt":"Twice","max_tokens":2}"#) }
        for _ in 0..<1000 where server.engine.snapshot.engine?.waitingCount != 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.engine.snapshot.engine?.waitingCount == 1)
        let refused: LiveServer.Reply? = try await server.post("/v1/completions", #"{"prompt":"Thrice","max_tokens":2}"#)
        #expect(refused?.status == 503, "\(refused?.text ?? "")")
        let reply = try #require(refused)
        #expect(reply.header("retry-after") == "1")
        #expect((reply.json["error"] as? [String: Any])?["type"] as? String == "ServiceUnavailableError")
        while try await iterator.next() != nil {}
        #expect(try await queued.value.status == 200)
        try await server.expectIdle()
        await server.stop()
    }

    /// Kernel thresholds given in the settings (as `bench --compare` hands the first server's to
    /// the next) are the ones the executor runs with, and generation still works under them.
    @Test func givenKernelThresholdsAreUsed() async throws {
        let given = KernelThresholds(vectorRowLimit: 5, tokenTileRows: 300)
        let server = try await LiveServer.start(LiveServer.settings {
            $0.runtime.calibratesAtStart = false
            $0.kernelThresholds = given
        })
        #expect(server.stack.kernelThresholds == given)
        #expect(server.stack.description.contains("kernels as given: \(given)"))
        let reply = try await server.post("/v1/completions", #"{"prompt":"Hello","max_tokens":3}"#)
        #expect(reply.status == 200)
        await server.stop()
    }

    /// The executor fails mid-generation: the streamed response ends with an error chunk and
    /// `[DONE]`; the blocks return and the next request is served.
    @Test func errorAfterTheStreamBeganIsAnErrorChunk() async throws {
        let failing = FailOnce()
        let server = try await LiveServer.start(LiveServer.settings { $0.runtime.calibratesAtStart = false }) { executor in
            FaultInjectingExecutor(inner: executor, trigger: failing)
        }
        let streamed = Task {
            try await server.post("/v1/completions", #"{"prompt":"Once upon a time","max_tokens":200,"ignore_eos":true,"stream":true}"#)
        }
        try await Task.sleep(for: .milliseconds(300))
        failing.arm()
        let reply = try await streamed.value
        #expect(reply.status == 200)
        let frames = reply.body.sseFrames
        #expect(frames.last == "data: [DONE]")
        let error = try #require(frames.dropLast().last)
        #expect(error.contains("\"error\"") && error.contains("injected fault"), "\(error)")
        try await server.expectIdle()
        let next = try await server.post("/v1/completions", #"{"prompt":"Hello","max_tokens":3}"#)
        #expect(next.status == 200)
        #expect(try await server.metric("augserve:failed_steps_total") == 1)
        await server.stop()
    }

    @Test func healthIs503UntilTheEngineIsReady() async throws {
        let server = try await LiveServer.start(LiveServer.settings(), startsEngine: false)
        let loading = try await server.get("/health")
        #expect(loading.status == 503)
        #expect(try await server.post("/v1/completions", #"{"prompt":"hi","max_tokens":2}"#).status == 503)
        server.engine.start()
        #expect(await server.engine.waitUntilReady())
        #expect(try await server.get("/health").status == 200)
        server.engine.beginDrain()
        #expect(try await server.get("/health").status == 503)
        await server.stop()
    }
}

/// A switch the test flips to make the next executor step fail.
final class FailOnce: Sendable {
    private let state = Mutex(false)
    func arm() { state.withLock { $0 = true } }
    func take() -> Bool { state.withLock { armed in defer { armed = false }; return armed } }
}

import Synchronization

final class FaultInjectingExecutor: ModelExecutor {
    let inner: CPUModelExecutor
    let trigger: FailOnce
    init(inner: CPUModelExecutor, trigger: FailOnce) {
        self.inner = inner
        self.trigger = trigger
    }
    var deviceBlockCount: Int { inner.deviceBlockCount }
    var blockSize: Int { inner.blockSize }
    struct Injected: Error, CustomStringConvertible { var description: String { "injected fault" } }
    func execute(_ plan: BatchPlan) throws -> StepOutput {
        if trigger.take() { throw Injected() }
        return try inner.execute(plan)
    }
}
