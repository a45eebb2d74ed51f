/// What the executor must compute in one iteration. Plain data: the scheduling core decides,
/// the executor acts (DESIGN.md §1). Nothing in here refers to a policy.
public struct BatchPlan: Sendable, Equatable {
    /// Sequences to run, decodes first, then prefill/recompute chunks.
    public var sequences: [ScheduledSequence]
    /// Blocks to copy device → host before the forward pass (their device blocks are then free).
    public var swapOut: [BlockTransfer]
    /// Blocks to copy host → device before the forward pass.
    public var swapIn: [BlockTransfer]
    /// Requests that left the engine since the previous plan; executors drop per-request state.
    public var releasedRequests: [RequestID]

    public init(
        sequences: [ScheduledSequence] = [], swapOut: [BlockTransfer] = [],
        swapIn: [BlockTransfer] = [], releasedRequests: [RequestID] = []
    ) {
        self.sequences = sequences
        self.swapOut = swapOut
        self.swapIn = swapIn
        self.releasedRequests = releasedRequests
    }

    /// Tokens forwarded this iteration (the quantity the token budget limits).
    public var scheduledTokenCount: Int { sequences.reduce(0) { $0 + $1.tokenCount } }
    /// True when the executor has nothing to compute and nothing to copy.
    public var isEmpty: Bool { sequences.isEmpty && swapOut.isEmpty && swapIn.isEmpty }
}

/// One sequence's share of an iteration: `tokens` occupy positions
/// `startPosition ..< startPosition + tokens.count`; their K/V go into, and attention reads from,
/// the blocks of `blockTable` (block `i` holds positions `i*blockSize ..< (i+1)*blockSize`).
public struct ScheduledSequence: Sendable, Equatable {
    public var requestID: RequestID
    /// The new tokens to run. In simulation these are synthetic ids; only their count matters.
    public var tokens: [TokenID]
    /// Position of `tokens[0]`; equals the number of tokens already in the KV cache.
    public var startPosition: Int
    /// Device blocks covering at least positions `0 ..< startPosition + tokens.count`.
    public var blockTable: [BlockID]
    /// Sample one token from the last position (false for a prefill chunk that is not the last).
    public var samplesNextToken: Bool
    /// How to sample, when `samplesNextToken` is true.
    public var sampling: SamplingParameters
    /// The request has not reached its minimum output yet: the sampler must not pick one of
    /// `sampling.stopTokenIDs` (OpenAI's `min_tokens`).
    public var suppressesStopTokens = false
    /// A constrained sequence may sample only these tokens (set by the live driver after
    /// `schedule`, from the request's grammar); nil: any token.
    public var allowedTokens: TokenBitmask?

    public init(
        requestID: RequestID, tokens: [TokenID], startPosition: Int, blockTable: [BlockID],
        samplesNextToken: Bool, sampling: SamplingParameters = .greedy
    ) {
        self.requestID = requestID
        self.tokens = tokens
        self.startPosition = startPosition
        self.blockTable = blockTable
        self.samplesNextToken = samplesNextToken
        self.sampling = sampling
    }

    public var tokenCount: Int { tokens.count }
    /// True for a single-token step that continues generation.
    public var isDecode: Bool { tokens.count == 1 && samplesNextToken && startPosition > 0 }
}

/// One block copied between device and host memory.
public struct BlockTransfer: Sendable, Equatable {
    public var device: BlockID
    public var host: HostSlotID
    public init(device: BlockID, host: HostSlotID) {
        self.device = device
        self.host = host
    }
}

/// What the executor reports back after running a `BatchPlan`.
public struct StepOutput: Sendable, Equatable {
    /// The sampled token of every sequence whose `samplesNextToken` was true, in plan order.
    public var sampledTokens: [SampledToken]
    /// Wall-clock (live) or modelled (simulation) duration of the iteration.
    public var duration: Duration

    public init(sampledTokens: [SampledToken], duration: Duration) {
        self.sampledTokens = sampledTokens
        self.duration = duration
    }
}

public struct SampledToken: Sendable, Equatable {
    public var requestID: RequestID
    public var token: TokenID
    public init(requestID: RequestID, token: TokenID) {
        self.requestID = requestID
        self.token = token
    }
}

/// Runs batch plans. Implemented by the simulated executor (cost model) and the CPU executor
/// (real transformer). Executors know blocks, not policies.
public protocol ModelExecutor {
    /// Number of device KV blocks the executor holds (the core's block pool has this many).
    var deviceBlockCount: Int { get }
    /// Tokens per KV block.
    var blockSize: Int { get }
    /// Performs swaps, then the forward pass, then sampling.
    mutating func execute(_ plan: BatchPlan) throws -> StepOutput
}
