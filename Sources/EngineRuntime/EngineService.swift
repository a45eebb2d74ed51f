import Foundation
import ServingCore
import Synchronization

/// The real-time engine: the scheduling core and an executor, driven on a dedicated thread.
///
/// Create it with a core (whose configuration emits token events) and an executor, `start()` it,
/// then `submit` requests from any thread or task: each returns a `RequestHandle` whose stream
/// carries the request's events. `snapshot` is the state as of the last step and never waits.
/// `beginDrain()` refuses new requests; `stop()` aborts what is left and ends the thread.
public final class EngineService: Sendable {
    public let configuration: RuntimeConfiguration
    /// The model's context limit the core enforces (prompt + output).
    public let maxContextLength: Int
    let inbox = Inbox()
    let published = Mutex(RuntimeSnapshot())
    let admission = Mutex(AdmissionCounts())
    let tickets = Atomic<UInt64>(0)
    private let loop: LoopHandoff
    private let stopped = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// `core` and `executor` are handed over: from `start()` on, only the engine thread uses them.
    public init(
        core: sending EngineCore, executor: sending any ModelExecutor, configuration: RuntimeConfiguration = RuntimeConfiguration(),
        observer: any RuntimeObserver = NoRuntimeObserver()
    ) throws(ConfigurationError) {
        try configuration.validate()
        try ConfigurationError.require(
            core.configuration.emitsTokenEvents, "engine.emitsTokenEvents", false, "must be true for the live engine")
        try ConfigurationError.require(
            executor.deviceBlockCount == core.configuration.cache.deviceBlockCount, "executor.deviceBlockCount",
            executor.deviceBlockCount, "must equal the core's \(core.configuration.cache.deviceBlockCount) blocks")
        self.configuration = configuration
        maxContextLength = core.configuration.limits.maxContextLength
        let costFit = try OnlineCostFit(prior: core.costModel, parameters: configuration.costFit)
        loop = LoopHandoff(EngineLoop(
            core: core, executor: executor, configuration: configuration, costFit: costFit, observer: observer))
    }

    /// Starts the engine thread: it measures the cost model (if configured), then serves.
    public func start() {
        let thread = Thread { [loop, self] in
            guard let engine = loop.take() else { return }  // started twice: the second thread ends
            engine.service = self
            engine.run()
        }
        thread.name = "augserve-engine"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The state as of the last step.
    public var snapshot: RuntimeSnapshot { published.withLock { $0 } }

    /// Refuses early — before the caller tokenizes anything — when the engine is not serving or
    /// the queue of waiting requests is already full.
    public func checkCapacity() throws(RuntimeError) {
        let phase = published.withLock { $0.phase }
        guard phase == .ready else { throw .unavailable(phase == .starting ? "still loading" : "shutting down") }
        let counts = admission.withLock { $0 }
        if counts.requestCount >= configuration.maxQueuedRequestCount {
            throw .queueFull("\(counts.requestCount) requests are waiting (limit \(configuration.maxQueuedRequestCount))")
        }
        if counts.tokenCount >= configuration.maxQueuedTokenCount {
            throw .queueFull("\(counts.tokenCount) prompt tokens are waiting (limit \(configuration.maxQueuedTokenCount))")
        }
    }

    /// Submits a request. Throws at once when the engine is not serving or the queue is full;
    /// anything the core refuses (too long, bad token ids) arrives as `.failed` on the stream.
    public func submit(
        _ spec: RequestSpec, processor: any OutputProcessorFactory = TokenOnlyProcessorFactory(), session: SessionHint? = nil
    ) throws(RuntimeError) -> RequestHandle {
        try checkCapacity()
        let tokens = spec.promptTokens.count
        let admitted = admission.withLock { counts -> Bool in
            guard counts.requestCount < configuration.maxQueuedRequestCount,
                counts.tokenCount + tokens <= configuration.maxQueuedTokenCount || counts.requestCount == 0
            else { return false }
            counts.requestCount += 1
            counts.tokenCount += tokens
            counts.inTransitCount += 1
            return true
        }
        guard admitted else { throw .queueFull("the waiting requests' prompt tokens would pass \(configuration.maxQueuedTokenCount)") }
        let ticket = Ticket(tickets.add(1, ordering: .relaxed).newValue)
        let (stream, continuation) = AsyncStream.makeStream(
            of: RequestEvent.self, bufferingPolicy: .bufferingOldest(configuration.streamBufferLimit))
        continuation.onTermination = { [inbox] termination in
            if case .cancelled = termination { inbox.post(.abort(ticket)) }
        }
        inbox.post(.submit(Submission(
            ticket: ticket, spec: spec, processor: processor, continuation: continuation, submittedAt: .now, session: session)))
        return RequestHandle(ticket: ticket, events: stream)
    }

    /// Aborts a request wherever it is; its blocks return at once. Unknown or finished: no effect.
    public func abort(_ ticket: Ticket) { inbox.post(.abort(ticket)) }

    /// The live call that paused `ticket` returned `tokens` (appended to its context).
    public func callReturned(_ ticket: Ticket, tokens: [TokenID]) { inbox.post(.callReturned(ticket, tokens)) }

    /// Stops taking new requests (`/health` turns 503) and ends suspended sessions (no follow-up
    /// can arrive); in-flight requests continue.
    public func beginDrain() {
        published.withLock { if $0.phase == .ready || $0.phase == .starting { $0.phase = .draining } }
        inbox.post(.endSessions)
    }

    /// Aborts every request in the engine with `error` on its stream.
    public func abortAll(_ error: RuntimeError) { inbox.post(.abortAll(error)) }

    /// Requests in the engine or on their way in.
    public var liveRequestCount: Int { published.withLock { $0.liveRequestCount } + admission.withLock { $0.inTransitCount } }

    /// Waits until no request is left or `timeout` passed; true when idle.
    public func waitUntilIdle(timeout: Duration, poll: Duration = .milliseconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if liveRequestCount == 0 { return true }
            try? await Task.sleep(for: poll)
        }
        return liveRequestCount == 0
    }

    /// Aborts what is left and ends the engine thread; returns once it has ended.
    public func stop() async {
        inbox.post(.abortAll(.unavailable("the server is shutting down")))
        inbox.post(.stop)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyStopped = stopped.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters?.append(continuation)
                return false
            }
            if alreadyStopped { continuation.resume() }
        }
    }

    /// Waits until the engine has finished starting (the cost model measured); false if it stopped.
    public func waitUntilReady(poll: Duration = .milliseconds(10)) async -> Bool {
        while true {
            switch published.withLock({ $0.phase }) {
            case .ready: return true
            case .stopped: return false
            case .starting, .draining: try? await Task.sleep(for: poll)
            }
            if published.withLock({ $0.phase }) == .draining { return false }
        }
    }

    /// Called by the engine thread as it ends.
    func engineStopped() {
        published.withLock { $0.phase = .stopped }
        let waiters = stopped.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            let list = waiters ?? []
            waiters = nil
            return list
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A submitted request: its ticket and its stream of events.
public struct RequestHandle: Sendable {
    public let ticket: Ticket
    public let events: AsyncStream<RequestEvent>
}

/// Requests submitted that have not produced a first token yet, and their prompt tokens (the
/// bounded queue); `inTransitCount` counts those not yet taken in by the engine thread.
struct AdmissionCounts: Sendable {
    var requestCount = 0
    var tokenCount = 0
    var inTransitCount = 0
}

/// Holds the engine loop until the thread takes it.
/// `@unchecked Sendable`: the loop is taken exactly once (under the mutex) and from then on used
/// only by the engine thread.
final class LoopHandoff: @unchecked Sendable {
    private let slot: Mutex<Bool> = Mutex(false)
    private var loop: EngineLoop?

    init(_ loop: EngineLoop) { self.loop = loop }

    func take() -> EngineLoop? {
        slot.withLock { taken -> EngineLoop? in
            guard !taken else { return nil }
            taken = true
            let value = loop
            loop = nil
            return value
        }
    }
}
