import ServingCore
import Testing
import Transformer
@testable import ModelExecution

/// The real scheduling core driving the CPU executor: requests are admitted, prefilled in
/// chunks next to decodes, possibly preempted, and finish; the tokens equal a standalone greedy
/// run and every block returns to the pool.
@Suite struct EngineDrivenTests {
    static func engine(deviceBlocks: Int, budget: Int) throws -> EngineCore {
        let cost = IterationCostModel(
            fixed: .milliseconds(5), perToken: .microseconds(50), perContextToken: .nanoseconds(100),
            kvBytesPerToken: 4096, swapBytesPerSecond: 1e9)
        let configuration = EngineConfiguration(
            policy: PolicyConfiguration(kind: .vllm),
            cache: CacheConfiguration(blockSize: 4, deviceBlockCount: deviceBlocks, hostBlockCount: 16),
            limits: SchedulerLimits(maxBatchedTokenCount: budget, maxRunningRequestCount: 8, maxContextLength: 64),
            cost: cost)
        return try EngineCore(configuration: configuration)
    }

    static func standalone(_ model: LlamaModel, _ prompt: [TokenID], count: Int) throws -> [TokenID] {
        var stream = try TokenStream(model: model, promptIDs: prompt, maxTokens: count, pool: WorkerPool(threadCount: 1), blockSize: 4)
        var tokens: [TokenID] = []
        while let token = try stream.next(.greedy) { tokens.append(token) }
        return tokens
    }

    @Test("requests through EngineCore equal standalone greedy runs", arguments: [(64, 16), (16, 8)])
    func engineDriven(deviceBlocks: Int, budget: Int) throws {
        let model = try ExecutorTests.model.get()
        let core = try Self.engine(deviceBlocks: deviceBlocks, budget: budget)
        let executor = try CPUModelExecutor(
            model: model, deviceBlockCount: deviceBlocks, blockSize: 4, hostBlockCount: 16, threads: 2)
        let prompts = [ExecutorTests.prompt(13, seed: 1), ExecutorTests.prompt(5, seed: 2), ExecutorTests.prompt(22, seed: 3)]
        let outputs = [20, 24, 16]
        var ids: [RequestID] = []
        for (prompt, count) in zip(prompts, outputs) {
            ids.append(try core.submit(RequestSpec(promptTokens: prompt, sampling: SamplingParameters(ignoreEOS: true), maxOutputTokenCount: count), now: .zero))
        }
        var generated: [RequestID: [TokenID]] = [:]
        var now = Duration.zero
        var steps = 0
        while core.liveRequestCount > 0 && steps < 500 {
            let plan = core.schedule(now: now)
            let output = try executor.execute(plan)
            for token in output.sampledTokens { generated[token.requestID, default: []].append(token.token) }
            now += output.duration + .milliseconds(1)
            _ = try core.apply(output, now: now)
            #expect(core.checkInvariants().isEmpty)
            steps += 1
        }
        #expect(core.liveRequestCount == 0)
        if deviceBlocks < 18 { #expect(core.snapshot.preemptionCount > 0, "the small pool should force a preemption") }
        #expect(core.blockPool.usedCount == 0)
        for (index, id) in ids.enumerated() {
            let expected = try Self.standalone(model, prompts[index], count: outputs[index])
            // A preempted request recomputes and re-samples its last token; keep the final stream.
            #expect(Array(generated[id, default: []].suffix(outputs[index])) == expected, "request \(index)")
        }
    }
}
