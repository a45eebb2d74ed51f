import APIServer
import ArgumentParser
import Foundation
import Logging
import Metrics
import ModelFiles
import Prometheus
import ServerAssembly
import ServingCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API.",
        discussion: """
            Endpoints: POST /v1/chat/completions, POST /v1/completions (streaming with "stream": true), \
            GET /v1/models, GET /health, GET /metrics (Prometheus, vLLM's metric names), POST /tokenize, \
            POST /detokenize, GET /version. With no options it serves the installed default model \
            (SmolLM2-135M-Instruct) on 127.0.0.1:8000 under the augserve policy with a 256 MiB KV pool. \
            It prints where it listens once the cost model is measured and the port is bound. SIGINT or \
            SIGTERM stops accepting requests, lets in-flight ones finish (up to --drain-timeout), aborts \
            the rest and exits 0.
            Example: augserve serve --port 8000 --policy vllm --kv-cache-memory 64MiB
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8000

    @Option(help: "GGUF model file (default: ~/.cache/augserve/models/\(DefaultModel.fileName)).")
    var model: String?

    @Option(help: "The model name clients send and /v1/models lists (default: the file name without .gguf).")
    var servedModelName: String?

    @Option(help: "Scheduling policy: augserve, vllm, vllm-apc or infercept.")
    var policy: PolicyKind = .augserve

    @Option(help: "KV-cache pool size, e.g. 256MiB, 1GiB (ignored with --kv-cache-tokens).")
    var kvCacheMemory = "256MiB"

    @Option(help: "KV-cache pool size in tokens (overrides --kv-cache-memory).")
    var kvCacheTokens: Int?

    @Option(help: "Host memory for swapped-out KV blocks, e.g. 512MiB (0 disables swapping).")
    var hostSwapMemory = "512MiB"

    @Option(help: "Tokens per KV block.")
    var blockSize = 16

    @Option(help: "Most requests running at once (vLLM's --max-num-seqs).")
    var maxNumSeqs = 256

    @Option(help: "Tokens forwarded per step for static-budget policies (default: the policy's: vllm 2048, infercept 384).")
    var maxNumBatchedTokens: Int?

    @Option(help: "Context limit in tokens (default: the smaller of the model's context and the KV pool).")
    var maxModelLen: Int?

    @Option(help: "Requests that may wait for admission before new ones get 503.")
    var maxQueuedRequests = 1024

    @Option(help: "Prompt tokens those waiting requests may hold before new ones get 503.")
    var maxQueuedTokens = 1_048_576

    @Option(help: "Require 'Authorization: Bearer KEY' on every endpoint but /health, /metrics and /version.")
    var apiKey: String?

    @Option(help: "Server-side tools: a JSON file declaring calculator and http tools (see the README).")
    var config: String?

    @Option(help: "Largest request body, e.g. 8MiB (413 beyond).")
    var maxBodySize = "8MiB"

    @Option(help: "On SIGINT/SIGTERM, how long in-flight requests may take before they are aborted, e.g. 30s.")
    var drainTimeout = "30s"

    @Option(help: "SLO on time to first token, in milliseconds (AugServe's triage and the SLO metrics).")
    var sloTtftMs: Double = 1000

    @Option(help: "SLO on time per output token (normalized latency), in milliseconds.")
    var sloTpotMs: Double = 100

    @Flag(help: "Skip the cost-model measurement at start (use the prior from the model's size until steps are measured).")
    var noCalibrate = false

    @Flag(help: "Keep the built-in vector-kernel limit instead of measuring the product kernels on this CPU at start.")
    var noKernelTuning = false

    @Option(help: "CPU threads for the model.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @OptionGroup(title: "AugServe policy") var augserve: AugServeOptions

    func settings() throws -> ServeSettings {
        var settings = ServeSettings(modelPath: ModelLoading.resolvePath(model))
        settings.servedModelName = servedModelName
        settings.policy = policy
        settings.augserve = try augserve.parameters()
        if augserve.predictor == "oracle" {
            throw ValidationError("invalid --predictor oracle: the oracle reads a trace's truth and exists in simulation only; serve uses 'history'")
        }
        settings.kvCacheBytes = try ByteSize.parse(kvCacheMemory, option: "--kv-cache-memory")
        settings.kvCacheTokens = kvCacheTokens
        settings.hostSwapBytes = try ByteSize.parse(hostSwapMemory, option: "--host-swap-memory")
        settings.blockSize = blockSize
        settings.maxRunningRequests = maxNumSeqs
        settings.maxBatchedTokens = maxNumBatchedTokens
        settings.maxModelLength = maxModelLen
        settings.threads = threads
        settings.runtime.maxQueuedRequestCount = maxQueuedRequests
        settings.runtime.maxQueuedTokenCount = maxQueuedTokens
        settings.runtime.calibratesAtStart = !noCalibrate
        settings.tunesKernels = !noKernelTuning
        settings.server.host = host
        settings.server.port = port
        settings.server.apiKey = apiKey
        settings.toolConfigurationPath = config
        settings.server.maxBodyByteCount = try ByteSize.parse(maxBodySize, option: "--max-body-size")
        guard let drain = DurationArgument(argument: drainTimeout)?.duration, drain >= .zero else {
            throw ValidationError("invalid --drain-timeout \(drainTimeout): expected a duration such as 30s")
        }
        settings.server.drainTimeout = drain
        guard sloTtftMs.isFinite, sloTtftMs > 0, sloTpotMs.isFinite, sloTpotMs > 0 else {
            throw ValidationError("invalid --slo-ttft-ms / --slo-tpot-ms: must be positive numbers of milliseconds")
        }
        settings.server.ttftObjective = .milliseconds(sloTtftMs)
        settings.server.tpotObjective = .milliseconds(sloTpotMs)
        return settings
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("invalid --log-level \(logLevel): expected trace, debug, info, notice, warning or error")
        }
        let settings = try settings()
        let stack: ServingStack
        do { stack = try await ServingStack.build(settings) } catch { throw ValidationError(error.description) }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: stack.application.metrics.registry))
        var logger = Logger(label: "augserve")
        logger.logLevel = level
        FileHandle.standardError.write(Data("augserve: loading; \(stack.description)\n".utf8))
        let host = settings.server.host
        let engine = stack.engine
        let group = stack.application.serviceGroup(onRunning: { port in
            _ = await engine.waitUntilReady()
            let cost = engine.snapshot.cost.map {
                String(format: "step ≈ %.1f ms + %.2f ms/token", $0.fixed.seconds * 1000, $0.perToken.seconds * 1000)
            } ?? ""
            FileHandle.standardOutput.write(Data("augserve: listening on http://\(host):\(port) (cost model: \(cost))\n".utf8))
        })
        try await group.run()
        FileHandle.standardError.write(Data("augserve: stopped\n".utf8))
    }
}

/// Sizes written as `256MiB`, `1GiB`, `512MB`, `64k` or a bare number of bytes.
enum ByteSize {
    static func parse(_ text: String, option: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("kib", 0x1p10), ("mib", 0x1p20), ("gib", 0x1p30), ("tib", 0x1p40), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12),
            ("k", 0x1p10), ("m", 0x1p20), ("g", 0x1p30), ("b", 1),
        ]
        let lower = trimmed.lowercased()
        var value: Double?
        for (suffix, scale) in units where lower.hasSuffix(suffix) {
            value = Double(lower.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).map { $0 * scale }
            break
        }
        if value == nil { value = Double(lower) }
        guard let bytes = value, bytes.isFinite, bytes >= 0, bytes <= 1e13 else {
            throw ValidationError("invalid \(option) \(text): expected a size such as 256MiB or 1GiB")
        }
        return Int(bytes)
    }
}
