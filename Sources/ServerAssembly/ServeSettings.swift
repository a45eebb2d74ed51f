import APIServer
import EngineRuntime
import ServingCore
import Transformer

/// Everything `augserve serve` is configured with, validated once (`validate()`), before the
/// model is loaded.
public struct ServeSettings: Sendable {
    /// GGUF model file.
    public var modelPath: String
    /// The name clients use; default: the file's name without `.gguf`.
    public var servedModelName: String?
    public var policy: PolicyKind = .augserve
    public var augserve = AugServeParameters()
    /// KV pool size: bytes (default 256 MiB) or, if set, tokens.
    public var kvCacheBytes: Int = 256 << 20
    public var kvCacheTokens: Int?
    /// Host memory for swapped-out KV blocks (0 disables swapping).
    public var hostSwapBytes: Int = 512 << 20
    public var blockSize = 16
    /// Running requests at once (vLLM's `max_num_seqs`).
    public var maxRunningRequests = 256
    /// Tokens per step for static-budget policies (default: the policy's own).
    public var maxBatchedTokens: Int?
    /// Context limit (default: the smaller of the model's and what the KV pool holds).
    public var maxModelLength: Int?
    public var threads = 2
    /// Measure the product kernels at start and choose the vector-kernel limit for this CPU
    /// (`--no-kernel-tuning`: keep the built-in limit).
    public var tunesKernels = true
    /// Thresholds to use instead of measuring them (`bench --compare` measures once and gives
    /// every policy's server the same kernels, so a timing wobble cannot favour one policy).
    public var kernelThresholds: KernelThresholds?
    /// The server-side tools' configuration file (`--config`), if any.
    public var toolConfigurationPath: String?
    public var runtime = RuntimeConfiguration()
    public var server = APIServerConfiguration()

    public init(modelPath: String) { self.modelPath = modelPath }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(!modelPath.isEmpty, "model", modelPath, "must not be empty")
        if let servedModelName {
            try ConfigurationError.require(
                !servedModelName.isEmpty && servedModelName.utf8.count <= 256, "served-model-name", servedModelName, "must be 1...256 bytes")
        }
        try ConfigurationError.require(
            kvCacheBytes >= 1 << 20 && kvCacheBytes <= 1 << 40, "kv-cache-memory", kvCacheBytes, "must be in 1 MiB...1 TiB")
        if let kvCacheTokens {
            try ConfigurationError.require(kvCacheTokens >= 16 && kvCacheTokens <= 1 << 26, "kv-cache-tokens", kvCacheTokens, "must be in 16...67108864")
        }
        try ConfigurationError.require(hostSwapBytes >= 0 && hostSwapBytes <= 1 << 40, "host-swap-memory", hostSwapBytes, "must be in 0...1 TiB")
        try ConfigurationError.require([8, 16, 32, 64, 128].contains(blockSize), "block-size", blockSize, "must be 8, 16, 32, 64 or 128")
        try ConfigurationError.require(maxRunningRequests >= 1 && maxRunningRequests <= 4096, "max-num-seqs", maxRunningRequests, "must be in 1...4096")
        if let maxBatchedTokens {
            try ConfigurationError.require(
                maxBatchedTokens >= 1 && maxBatchedTokens <= 1 << 20, "max-num-batched-tokens", maxBatchedTokens, "must be in 1...1048576")
        }
        if let maxModelLength {
            try ConfigurationError.require(maxModelLength >= 16 && maxModelLength <= 1 << 24, "max-model-len", maxModelLength, "must be in 16...16777216")
        }
        try ConfigurationError.require(threads >= 1 && threads <= 256, "threads", threads, "must be in 1...256")
        try ConfigurationError.require(
            policy != .augserve || augserve.predictor != .oracle, "predictor", "oracle",
            "the oracle predictor reads a trace's truth and exists in simulation only; the server uses 'history'")
        try augserve.validate()
        try runtime.validate()
        try server.validate()
    }
}
