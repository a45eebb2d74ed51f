import APIServer
import EngineRuntime
import Foundation
import ModelExecution
import ModelFiles
import ServingCore
import Tokenization
import Tools
import Transformer

/// Builds the whole server from `ServeSettings`: loads the model and tokenizer, sizes the KV pool,
/// makes the core, the CPU executor, the engine and the HTTP application. Used by `augserve serve`
/// and by the end-to-end tests, so both run the same assembly.
public struct ServingStack: Sendable {
    public let application: APIApplication
    public let engine: EngineService
    public let model: ServedModel
    /// One paragraph saying what is being served and how (printed at start).
    public let description: String
    public let deviceBlockCount: Int
    public let hostBlockCount: Int
    /// The product-mode thresholds the executor runs with.
    public let kernelThresholds: KernelThresholds

    /// Why a stack could not be built (a bad setting or an unloadable model), one line.
    public struct BuildError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `wrapExecutor` lets tests put a fault-injecting executor around the real one.
    public static func build(
        _ settings: ServeSettings, wrapExecutor: (@Sendable (CPUModelExecutor) -> any ModelExecutor)? = nil
    ) async throws(BuildError) -> ServingStack {
        do { try settings.validate() } catch { throw BuildError(description: "\(error)") }
        let llama: LlamaModel
        let tokenizer: Tokenizer
        do {
            let file = try GGUFFile(path: settings.modelPath)
            llama = try LlamaModel(file: file)
            tokenizer = try Tokenizer(file: file)
        } catch {
            throw BuildError(description: "cannot load the model: \(error); \(DefaultModel.installHint)")
        }
        // Server-side tools first: an MCP server that does not start is a configuration error.
        var tools = ToolRegistry.empty
        if let path = settings.toolConfigurationPath {
            do { tools = try await ToolRegistry.start(path: path) } catch { throw BuildError(description: "invalid --config: \(error)") }
        }
        do { return try assemble(settings, llama: llama, tokenizer: tokenizer, tools: tools, wrapExecutor: wrapExecutor) } catch let error as BuildError {
            await tools.shutdown()
            throw error
        } catch {
            await tools.shutdown()
            throw BuildError(description: "\(error)")
        }
    }

    private static func assemble(
        _ settings: ServeSettings, llama: LlamaModel, tokenizer: Tokenizer, tools: ToolRegistry,
        wrapExecutor: ((CPUModelExecutor) -> any ModelExecutor)?
    ) throws -> ServingStack {
        let h = llama.hyperparameters
        let kvBytesPerToken = 2 * h.layerCount * h.kvHeadCount * h.headDimension * MemoryLayout<Float>.size
        let poolTokens = settings.kvCacheTokens ?? settings.kvCacheBytes / kvBytesPerToken
        let deviceBlocks = poolTokens / settings.blockSize
        let hostBlocks = settings.hostSwapBytes / (kvBytesPerToken * settings.blockSize)
        let poolCapacity = deviceBlocks * settings.blockSize
        guard deviceBlocks >= 2 else {
            throw BuildError(description: "invalid --kv-cache-memory: it holds \(poolCapacity) tokens, less than two blocks of \(settings.blockSize)")
        }
        let maxContext = min(h.contextLength, settings.maxModelLength ?? poolCapacity, poolCapacity)
        if let asked = settings.maxModelLength, asked > h.contextLength || asked > poolCapacity {
            throw BuildError(description: "invalid --max-model-len \(asked): the model's context is \(h.contextLength) tokens and the KV pool holds \(poolCapacity)")
        }
        let templateSource = try? llama.file.metadata.string("tokenizer.chat_template")
        let template = templateSource.flatMap { ChatTemplate(ggufTemplateSource: $0) } ?? .chatML
        let name = settings.servedModelName ?? URL(fileURLWithPath: settings.modelPath).deletingPathExtension().lastPathComponent
        let model = ServedModel(name: name, root: settings.modelPath, tokenizer: tokenizer, template: template, maxContextLength: maxContext)

        var policy = PolicyConfiguration(kind: settings.policy, interceptPredictor: .history, augserve: settings.augserve)
        policy.augserve.predictor = .history
        // The split follows the fitted CPU cost model, as the simulator's follows its preset.
        policy.swapBudgetFollowsCost = true
        policy.augserve.normalizedLatencyObjective = policy.augserve.normalizedLatencyObjective ?? settings.server.tpotObjective
        policy.augserve.ttftObjective = settings.server.ttftObjective
        let configuration = EngineConfiguration(
            policy: policy,
            cache: CacheConfiguration(
                blockSize: settings.blockSize, deviceBlockCount: deviceBlocks, hostBlockCount: hostBlocks,
                prefixCachingEnabled: policy.usesPrefixCache),
            limits: SchedulerLimits(
                maxBatchedTokenCount: settings.maxBatchedTokens ?? settings.policy.defaultMaxBatchedTokenCount,
                maxRunningRequestCount: settings.maxRunningRequests, maxContextLength: maxContext),
            cost: priorCost(llama, kvBytesPerToken: kvBytesPerToken), emitsTokenEvents: true, vocabularySize: h.vocabularySize)
        let core = try EngineCore(configuration: configuration)
        let executor = try CPUModelExecutor(
            model: llama, deviceBlockCount: deviceBlocks, blockSize: settings.blockSize, hostBlockCount: hostBlocks, threads: settings.threads,
            niceness: settings.runtime.engineThreadNiceness)
        // Before the engine's start-up calibration, which measures steps with the chosen kernels.
        let kernels: String
        if let given = settings.kernelThresholds {
            executor.kernelThresholds = given
            kernels = "kernels as given: \(given)"
        } else if settings.tunesKernels {
            kernels = executor.tuneKernels().description
        } else {
            kernels = "built-in kernels: \(executor.kernelThresholds)"
        }
        let thresholds = executor.kernelThresholds
        var runtime = settings.runtime
        runtime.fillerTokens = model.fillerTokens
        var server = settings.server
        server.policyName = settings.policy.rawValue
        let metrics = ServerMetrics(
            modelName: name, blockSize: settings.blockSize, deviceBlockCount: deviceBlocks, hostBlockCount: hostBlocks,
            policy: settings.policy.rawValue, ttftObjective: server.ttftObjective, tpotObjective: server.tpotObjective)
        let engine = try EngineService(core: core, executor: wrapExecutor?(executor) ?? executor, configuration: runtime, observer: metrics)
        let application = try APIApplication(engine: engine, model: model, metrics: metrics, configuration: server, tools: tools)
        let mib = Double(poolCapacity * kvBytesPerToken) / Double(1 << 20)
        let description = """
            model \(name) (\(settings.modelPath)), context \(maxContext) tokens; policy \(settings.policy.rawValue); \
            KV pool \(deviceBlocks) blocks × \(settings.blockSize) = \(poolCapacity) tokens (\(String(format: "%.0f", mib)) MiB, \
            \(kvBytesPerToken) B/token); host swap \(hostBlocks) blocks; \(settings.threads) threads; \(kernels)\
            \(tools.names.isEmpty ? "" : "; server-side tools: " + tools.names.joined(separator: ", "))
            """
        return ServingStack(
            application: application, engine: engine, model: model, description: description,
            deviceBlockCount: deviceBlocks, hostBlockCount: hostBlocks, kernelThresholds: thresholds)
    }

    /// A first guess from the model's size (weights streamed at ~13 GB/s, products at ~100
    /// GFLOP/s, the LM head per sampled sequence), replaced by the measurement at start and refitted while serving.
    static func priorCost(_ llama: LlamaModel, kvBytesPerToken: Int) -> IterationCostModel {
        let h = llama.hyperparameters
        // A sampled sequence adds its row of the LM head.
        return IterationCostModel(
            fixed: .seconds(Double(llama.weightBytesPerToken) / 13e9),
            perToken: .seconds(2 * Double(llama.weightMultiplyAddsPerToken) / 100e9),
            perContextToken: .seconds(Double(kvBytesPerToken) / 20e9), kvBytesPerToken: kvBytesPerToken, swapBytesPerSecond: 10e9,
            perSampledSequence: .seconds(2 * Double(h.vocabularySize * h.embeddingLength) / 100e9))
    }
}
