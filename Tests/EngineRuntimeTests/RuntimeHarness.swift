import EngineRuntime
import ModelExecution
import ServingCore
import Testing
import Transformer

/// Builds a started `EngineService` over the synthetic model and collects request streams.
enum RuntimeHarness {
    static let model = Result { try SyntheticLlama().model() }
    static let vocabulary = 70

    static func prompt(_ count: Int, seed: Int) -> [TokenID] { (0..<count).map { TokenID(($0 * 29 + seed * 13 + 5) % 70) } }

    static func core(policy: PolicyKind, deviceBlocks: Int = 64, hostBlocks: Int = 16, maxRunning: Int = 8) throws -> EngineCore {
        let cost = IterationCostModel(
            fixed: .milliseconds(2), perToken: .microseconds(50), perContextToken: .nanoseconds(100),
            kvBytesPerToken: 4096, swapBytesPerSecond: 1e9)
        let configuration = EngineConfiguration(
            policy: PolicyConfiguration(kind: policy, interceptPredictor: .history),
            cache: CacheConfiguration(
                blockSize: 4, deviceBlockCount: deviceBlocks, hostBlockCount: hostBlocks,
                prefixCachingEnabled: policy == .vllmAPC || policy == .augserve),
            limits: SchedulerLimits(maxBatchedTokenCount: 64, maxRunningRequestCount: maxRunning, maxContextLength: 200),
            cost: cost, emitsTokenEvents: true, vocabularySize: vocabulary)
        return try EngineCore(configuration: configuration)
    }

    static func service(
        policy: PolicyKind = .vllm, deviceBlocks: Int = 64, hostBlocks: Int = 16, maxRunning: Int = 8,
        configure: (inout RuntimeConfiguration) -> Void = { _ in }, executor wrap: ((CPUModelExecutor) -> any ModelExecutor)? = nil
    ) async throws -> EngineService {
        var configuration = RuntimeConfiguration()
        configuration.fillerTokens = [3, 4, 5]
        configure(&configuration)
        let executor = try CPUModelExecutor(model: model.get(), deviceBlockCount: deviceBlocks, blockSize: 4, hostBlockCount: hostBlocks, threads: 2)
        let service = try EngineService(
            core: try core(policy: policy, deviceBlocks: deviceBlocks, hostBlocks: hostBlocks, maxRunning: maxRunning),
            executor: wrap?(executor) ?? executor, configuration: configuration)
        service.start()
        #expect(await service.waitUntilReady())
        return service
    }

    /// Every event of a stream, until it ends.
    static func collect(_ handle: RequestHandle) async -> [RequestEvent] {
        var events: [RequestEvent] = []
        for await event in handle.events { events.append(event) }
        return events
    }

    static func tokens(_ events: [RequestEvent]) -> [TokenID] {
        events.compactMap { if case .token(let token, _) = $0 { token } else { nil } }
    }

    static func summary(_ events: [RequestEvent]) -> RequestSummary? {
        for event in events { if case .finished(let summary, _) = event { return summary } }
        return nil
    }

    static func standalone(_ prompt: [TokenID], count: Int) throws -> [TokenID] {
        var stream = try TokenStream(model: model.get(), promptIDs: prompt, maxTokens: count, pool: WorkerPool(threadCount: 1), blockSize: 4)
        var tokens: [TokenID] = []
        while let token = try stream.next(.greedy) { tokens.append(token) }
        return tokens
    }

    static func spec(_ prompt: [TokenID], max: Int, segments: [ScriptedSegment] = []) -> RequestSpec {
        RequestSpec(
            promptTokens: prompt, sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: max,
            outputAccounting: segments.isEmpty ? .generatedOnly : .generatedAndReturned, segments: segments)
    }

    /// Waits until the engine has no request left and every block is back.
    static func expectIdle(_ service: EngineService, sourceLocation: SourceLocation = #_sourceLocation) async {
        #expect(await service.waitUntilIdle(timeout: .seconds(30)), sourceLocation: sourceLocation)
        // The snapshot is published after the step that finished the last request.
        var used = -1
        for _ in 0..<200 {
            used = service.snapshot.engine?.deviceBlocksUsed ?? -1
            if used == 0 { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        #expect(used == 0, "blocks still in use", sourceLocation: sourceLocation)
    }
}

/// Ends a request after `count` tokens (a stop string found in text) or pauses it at a call.
struct ScriptedProcessorFactory: OutputProcessorFactory {
    var stopAfter: Int?
    var interceptAfter: Int?

    func makeProcessor() -> any OutputProcessor { ScriptedProcessor(factory: self) }
}

final class ScriptedProcessor: OutputProcessor {
    let factory: ScriptedProcessorFactory
    var seen = 0
    init(factory: ScriptedProcessorFactory) { self.factory = factory }

    func process(_ token: TokenID) -> OutputStep {
        seen += 1
        if seen == factory.stopAfter { return OutputStep(text: "<\(token)>", action: .finish(.stop)) }
        if seen == factory.interceptAfter {
            return OutputStep(text: "<\(token)>", action: .intercept(CallDescriptor(name: "lookup")), annotations: ["call \(seen)"])
        }
        return OutputStep(text: "<\(token)>")
    }

    func finish(reason: FinishReason) -> String { "|\(reason.rawValue)" }
}

/// Throws on chosen calls of `execute`, otherwise runs the real executor.
final class FlakyExecutor: ModelExecutor {
    let inner: CPUModelExecutor
    var failOn: Set<Int>
    var calls = 0
    init(_ inner: CPUModelExecutor, failOn: Set<Int>) {
        self.inner = inner
        self.failOn = failOn
    }
    var deviceBlockCount: Int { inner.deviceBlockCount }
    var blockSize: Int { inner.blockSize }

    struct Injected: Error, CustomStringConvertible { var description: String { "injected fault" } }

    func execute(_ plan: BatchPlan) throws -> StepOutput {
        calls += 1
        if failOn.contains(calls) { throw Injected() }
        return try inner.execute(plan)
    }
}
