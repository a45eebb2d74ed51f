import APIServer
import ArgumentParser
import Foundation
import ModelFiles
import ServerAssembly
import ServingCore

struct BenchAgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-agents",
        abstract: "Multi-turn agent sessions with client-side tool calls, per policy (use a release build).",
        discussion: """
            For each policy, starts the server in this process (same model, KV pool and seed) and runs \
            --sessions agent sessions of --rounds turns, --concurrency of them at a time: the model must call a client-side \
            tool (tool_choice required), the client waits a think time drawn per call (exponential, \
            mean --think-time), sends the conversation back with the tool's result, and the last turn \
            answers. Prints, for the follow-up turns: mean and p95 TTFT, prompt tokens prefilled per \
            turn (prompt − cached), and the share resumed without a re-prefill (cached ≥ 90% of the \
            previous turn's context).
            """)

    @Option(help: "Policies to compare, comma-separated.")
    var policies: PolicyList = PolicyList(argument: "vllm-apc,augserve")!

    @Option(help: "Agent sessions in all.")
    var sessions = 50

    @Option(help: "Sessions in flight at once (a new one starts when one ends).")
    var concurrency = 16

    @Option(help: "Turns per session (all but the last call a tool).")
    var rounds = 4

    @Option(help: "Mean client think time per tool call, e.g. 1s.")
    var thinkTime = "1s"

    @Option(help: "KV-cache pool in tokens (small enough for the sessions to pressure it).")
    var kvCacheTokens = 8192

    @Option(help: "Seed of the sessions' topics and think times.")
    var seed: UInt64 = 1

    @Option(help: "CPU threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    func run() async throws {
        guard (1...1000).contains(sessions) else { throw ValidationError("invalid --sessions \(sessions): must be in 1...1000") }
        guard (1...1000).contains(concurrency) else { throw ValidationError("invalid --concurrency \(concurrency): must be in 1...1000") }
        guard (2...20).contains(rounds) else { throw ValidationError("invalid --rounds \(rounds): must be in 2...20") }
        guard let think = DurationArgument(argument: thinkTime)?.duration, think >= .zero, think <= .seconds(600) else {
            throw ValidationError("invalid --think-time \(thinkTime): expected a duration in 0...600s")
        }
        guard (1...256).contains(threads) else { throw ValidationError("invalid --threads \(threads): must be in 1...256") }
        guard (256...1_000_000).contains(kvCacheTokens) else { throw ValidationError("invalid --kv-cache-tokens \(kvCacheTokens): must be in 256...1000000") }
        print("cpu: \(CPUDescription.current)")
        print("\(sessions) sessions × \(rounds) turns, \(concurrency) in flight, think time mean \(thinkTime), KV pool \(kvCacheTokens) tokens, seed \(seed)")
        print("| policy | follow-up turns | TTFT mean (s) | TTFT p95 (s) | prefilled tokens / turn | resumed without re-prefill | failures | wall (s) |")
        print("|---|---|---|---|---|---|---|---|")
        for policy in policies.kinds {
            var settings = ServeSettings(modelPath: ModelLoading.resolvePath(model))
            settings.policy = policy
            settings.threads = threads
            settings.kvCacheTokens = kvCacheTokens
            settings.maxModelLength = min(kvCacheTokens, 4096)
            settings.server.port = 0
            let server = try await InProcessServer.start(settings)
            var benchmark = AgentBenchmark()
            benchmark.sessions = sessions
            benchmark.concurrency = concurrency
            benchmark.rounds = rounds
            benchmark.meanThinkTime = think
            benchmark.seed = seed
            let result = await benchmark.run(base: server.base, model: server.stack.model.name) {
                FileHandle.standardError.write(Data("bench-agents [\(policy)]: \($0)\n".utf8))
            }
            await server.stop()
            report(policy, result)
            for failure in result.failures.prefix(3) { FileHandle.standardError.write(Data("bench-agents [\(policy)]: \(failure)\n".utf8)) }
        }
    }

    private func report(_ policy: PolicyKind, _ result: AgentBenchmark.Result) {
        let followUps = result.followUps
        let ttfts = followUps.map(\.ttft).filter(\.isFinite).sorted()
        let mean = ttfts.isEmpty ? 0 : ttfts.reduce(0, +) / Double(ttfts.count)
        let p95 = BenchServerCommand.percentile(ttfts, 0.95)
        let prefilled = followUps.isEmpty ? 0 : Double(followUps.map(\.prefilled).reduce(0, +)) / Double(followUps.count)
        let resumed = followUps.isEmpty ? 0 : Double(followUps.filter(\.resumed).count) / Double(followUps.count)
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        print("| \(policy) | \(followUps.count) | \(f(mean)) | \(f(p95)) | \(f(prefilled, 1)) | \(f(resumed * 100, 1))% | \(result.failures.count) | \(f(result.wall, 1)) |")
    }
}
