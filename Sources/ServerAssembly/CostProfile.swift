import Foundation
import ModelExecution
import ModelFiles
import ServingCore
import Simulation
import Transformer

/// `augserve profile`: the CPU engine's step time over a grid of batch shapes (prefill tokens,
/// decode sequences, decode context), the simulator's cost model `T = c + a·tokens + k·context + w·sampled`
/// (plus swap time) fitted to it, and a hardware file `simulate --hardware` reads (the
/// `cpu-measured` preset of SPEC §9).
public struct CostProfile: Sendable {
    public struct Measurement: Sendable {
        public var label: String
        public var shape: StepShape
        /// The median of the timed repetitions.
        public var seconds: Double
        public var predicted: Double
    }

    public var threads = 2
    public var repetitions = 5
    public var blockSize = 16
    /// The pool the grid runs in and that the written preset describes.
    public var kvCacheTokens = 2048
    public var hostSwapBytes = 512 << 20

    public init() {}

    public struct Result: Sendable {
        public var measurements: [Measurement]
        public var cost: IterationCostModel
        public var preset: HardwarePreset
    }

    public func run(modelPath: String, progress: (String) -> Void) throws -> Result {
        let file = try GGUFFile(path: modelPath)
        let llama = try LlamaModel(file: file)
        let h = llama.hyperparameters
        let kvBytesPerToken = 2 * h.layerCount * h.kvHeadCount * h.headDimension * MemoryLayout<Float>.size
        // The grid runs in a pool large enough for 32 decodes at 1,024 tokens; the preset describes `kvCacheTokens`.
        let deviceBlocks = max(kvCacheTokens, 36 * 1024) / blockSize
        let hostBlocks = max(0, hostSwapBytes / (kvBytesPerToken * blockSize))
        let executor = try CPUModelExecutor(model: llama, deviceBlockCount: deviceBlocks, blockSize: blockSize, hostBlockCount: hostBlocks, threads: threads, niceness: 0)
        progress("kernels: " + executor.tuneKernels().description)
        let grid = Self.grid(deviceBlocks: deviceBlocks, hostBlocks: hostBlocks, blockSize: blockSize, maxContext: h.contextLength)
        var measured: [(label: String, shape: StepShape, seconds: Double)] = []
        for (index, entry) in grid.enumerated() {
            _ = try executor.execute(entry.plan)  // warm-up
            var times: [Double] = []
            for _ in 0..<repetitions { times.append(try executor.execute(entry.plan).duration.seconds) }
            times.sort()
            let shape = entry.plan.shape(blockSize: blockSize)
            measured.append((entry.label, shape, times[times.count / 2]))
            progress("\(index + 1)/\(grid.count) \(entry.label): \(String(format: "%.2f", times[times.count / 2] * 1000)) ms")
        }
        let prior = IterationCostModel(fixed: .milliseconds(5), perToken: .milliseconds(1), perContextToken: .microseconds(1), kvBytesPerToken: kvBytesPerToken, swapBytesPerSecond: 10e9)
        var fit = try OnlineCostFit(prior: prior)
        let cost = fit.calibrate(measured.map { ($0.shape, Duration.seconds($0.seconds)) })
        let measurements = measured.map { Measurement(label: $0.label, shape: $0.shape, seconds: $0.seconds, predicted: Self.predict(cost, $0.shape)) }
        return Result(measurements: measurements, cost: cost, preset: Self.preset(cost, llama: llama, kvBytesPerToken: kvBytesPerToken, kvTokens: kvCacheTokens / blockSize * blockSize, hostBytes: hostBlocks * blockSize * kvBytesPerToken))
    }

    /// The fitted model's time for a shape (copies overlap compute, as in the simulated executor).
    static func predict(_ cost: IterationCostModel, _ shape: StepShape) -> Double {
        let compute = shape.tokenCount > 0 ? cost.computeSeconds(batchTokenCount: shape.tokenCount, decodeContextTokenCount: shape.decodeContextTokenCount, sampledSequenceCount: shape.sampledSequenceCount) : 0
        return max(compute, cost.swapSeconds(tokenCount: shape.swapTokenCount))
    }

    /// Facts that the roofline rule turns back into the fitted costs: the fit gives `c` and `a`;
    /// the bandwidth is chosen so that `k = KV bytes / (0.8 · bandwidth)`; the memory so that the
    /// KV capacity is the profiled pool; the host link is the measured swap rate.
    static func preset(_ cost: IterationCostModel, llama: LlamaModel, kvBytesPerToken: Int, kvTokens: Int, hostBytes: Int) -> HardwarePreset {
        let parameters = Double(llama.weightMultiplyAddsPerToken)
        let k = max(cost.perContextToken.seconds, 1e-12)
        let bandwidth = Double(kvBytesPerToken) / (0.8 * k)
        let memory = (Double(kvTokens) * Double(kvBytesPerToken) + parameters * 2 + 1.5e9) / 0.9 + 1
        return HardwarePreset(
            name: "cpu-measured",
            model: ModelFacts(name: "SmolLM2-135M (CPU)", parameterCount: parameters, layerCount: llama.hyperparameters.layerCount, kvBytesPerToken: kvBytesPerToken),
            accelerator: AcceleratorFacts(
                name: "this CPU (\(ProcessInfo.processInfo.activeProcessorCount) cores)", memoryBytes: memory, memoryBandwidth: bandwidth,
                fp16FLOPS: 1e11, hostLinkBandwidth: cost.swapBytesPerSecond, hostSwapBytes: Double(hostBytes)),
            fit: ProfiledFit(fixed: cost.fixed, perToken: cost.perToken, perSampledSequence: cost.perSampledSequence))
    }

    struct Entry {
        var label: String
        var plan: BatchPlan
    }

    /// Prefill chunks, decode batches of several widths at several context lengths, mixed
    /// steps, and a swap round trip, all inside the free pool.
    static func grid(deviceBlocks: Int, hostBlocks: Int, blockSize: Int, maxContext: Int) -> [Entry] {
        let capacity = deviceBlocks * blockSize
        var entries: [Entry] = []
        func table(start: Int, tokens: Int) -> [BlockID] { (0..<(tokens + blockSize - 1) / blockSize).map { BlockID(index: start + $0) } }
        func token(_ index: Int) -> TokenID { TokenID(truncatingIfNeeded: 100 + (index * 37) % 20_000) }
        func prefill(_ length: Int, id: UInt64 = 1, startBlock: Int = 0) -> ScheduledSequence {
            ScheduledSequence(requestID: RequestID(id), tokens: (0..<length).map(token), startPosition: 0, blockTable: table(start: startBlock, tokens: length), samplesNextToken: true)
        }
        func decodes(width: Int, context: Int, startBlock: Int = 0) -> [ScheduledSequence]? {
            let blocksEach = (context + blockSize - 1) / blockSize
            guard startBlock + width * blocksEach <= deviceBlocks, context < maxContext else { return nil }
            return (0..<width).map { index in
                ScheduledSequence(
                    requestID: RequestID(UInt64(1000 + index)), tokens: [token(index)], startPosition: context - 1,
                    blockTable: table(start: startBlock + index * blocksEach, tokens: context), samplesNextToken: true)
            }
        }
        for length in [16, 64, 128, 256, 512, 1024] where length < min(capacity, maxContext) {
            entries.append(Entry(label: "prefill \(length)", plan: BatchPlan(sequences: [prefill(length)])))
        }
        for context in [64, 256, 1024] {
            for width in [1, 2, 3, 4, 6, 8, 12, 16, 32] {
                guard let sequences = decodes(width: width, context: context) else { continue }
                entries.append(Entry(label: "decode \(width) × ctx \(context)", plan: BatchPlan(sequences: sequences)))
            }
        }
        for (chunk, width) in [(128, 8), (256, 16)] {
            let chunkBlocks = (chunk + blockSize - 1) / blockSize
            guard let sequences = decodes(width: width, context: 64, startBlock: chunkBlocks) else { continue }
            entries.append(Entry(label: "prefill \(chunk) + decode \(width) × ctx 64", plan: BatchPlan(sequences: [prefill(chunk)] + sequences)))
        }
        let swapBlocks = min(32, hostBlocks, deviceBlocks / 2)
        if swapBlocks >= 4 {
            let out = (0..<swapBlocks).map { BlockTransfer(device: BlockID(index: $0), host: HostSlotID(index: $0)) }
            let back = (0..<swapBlocks).map { BlockTransfer(device: BlockID(index: swapBlocks + $0), host: HostSlotID(index: $0)) }
            entries.append(Entry(label: "swap \(swapBlocks) blocks out + \(swapBlocks) in", plan: BatchPlan(swapOut: out, swapIn: back)))
        }
        return entries
    }
}
