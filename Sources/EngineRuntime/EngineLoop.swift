import Collections
import Foundation
import ServingCore
import Synchronization

/// The engine thread's state and its loop. Everything here is touched by that thread only.
final class EngineLoop {
    let core: EngineCore
    var executor: any ModelExecutor
    let configuration: RuntimeConfiguration
    let observer: any RuntimeObserver
    /// Set by `start()` before the loop runs; released when it ends.
    var service: EngineService?
    let clock = ContinuousClock()
    let origin: ContinuousClock.Instant
    var live: [RequestID: LiveRequest] = [:]
    var byTicket: [Ticket: RequestID] = [:]
    /// Trace-replay calls in progress, by when they return.
    var timers = Heap<CallTimer>()
    var timerSequence: UInt64 = 0
    var costFit: OnlineCostFit
    var stats = LoopStatistics()
    /// Suspended sessions (client-side tool round trips), by request.
    var sessions: [RequestID: SessionEntry] = [:]
    var running = true

    init(
        core: EngineCore, executor: any ModelExecutor, configuration: RuntimeConfiguration, costFit: OnlineCostFit,
        observer: any RuntimeObserver
    ) {
        self.core = core
        self.executor = executor
        self.configuration = configuration
        self.costFit = costFit
        self.observer = observer
        origin = clock.now
    }

    /// The engine's clock: time since the loop was created.
    var now: Duration { clock.now - origin }

    func run() {
        if configuration.engineThreadNiceness != 0 {
            #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, configuration.engineThreadNiceness)
            #endif
        }
        if configuration.calibratesAtStart { calibrate() }
        publish(phase: .ready)
        while running {
            handle(inbox.take())
            fireDueTimers()
            expireSessions()
            guard running else { break }
            var plan = core.schedule(now: now)
            constrain(&plan)
            if plan.isEmpty {
                publish()
                handle(inbox.wait(timeout: timeUntilNextTimer()))
                continue
            }
            step(plan)
        }
        abortEverything(.unavailable("the engine stopped"))
        publish()
        service?.engineStopped()
        service = nil
    }

    var inbox: Inbox { service!.inbox }  // set before the thread starts

    // MARK: Phase: commands

    func handle(_ commands: [Command]) {
        for command in commands {
            switch command {
            case .submit(let submission): admit(submission)
            case .abort(let ticket):
                if let id = byTicket[ticket], let outcome = core.abort(id, now: now) { complete(outcome, error: nil) }
            case .callReturned(let ticket, let tokens):
                if let id = byTicket[ticket] { returnCall(id, tokens: tokens) }
            case .abortAll(let error): abortEverything(error)
            case .endSessions: endSessions()
            case .stop: running = false
            }
        }
    }

    private func admit(_ submission: Submission) {
        service?.admission.withLock { $0.inTransitCount -= 1 }
        let arrival = now - (clock.now - submission.submittedAt)
        if let hint = submission.session, continueSession(hint, submission, arrival: max(.zero, arrival)) { return }
        do {
            let id = try core.submit(submission.spec, now: max(.zero, arrival))
            live[id] = LiveRequest(submission: submission, id: id, processor: submission.processor.makeProcessor(), submittedAt: arrival)
            byTicket[submission.ticket] = id
        } catch {
            releaseAdmission(tokens: submission.spec.promptTokens.count)
            submission.continuation.yield(.failed(.rejected(error)))
            submission.continuation.finish()
        }
    }

    private func returnCall(_ id: RequestID, tokens: [TokenID]) {
        guard let request = live[id] else { return }
        do {
            if let outcome = try core.callReturned(id, returnedTokens: tokens, now: now) {
                complete(outcome, error: nil)
            } else {
                _ = yield(.resumed(tokenCount: tokens.count), to: request)
            }
        } catch {
            if let outcome = core.abort(id, now: now) { complete(outcome, error: .callFailed("\(error)")) }
        }
    }

    func endSessions() {
        for id in Array(sessions.keys) {
            sessions[id] = nil
            if let outcome = core.abort(id, now: now) { complete(outcome, error: nil) }
        }
    }

    func abortEverything(_ error: RuntimeError) {
        endSessions()
        for id in Array(live.keys) {
            if let outcome = core.abort(id, now: now) { complete(outcome, error: error) }
        }
        timers = Heap()
    }

    // MARK: Phase: trace-replay call timers

    func fireDueTimers() {
        while let first = timers.min, first.at <= now {
            _ = timers.removeMin()
            guard live[first.id] != nil else { continue }
            let filler = configuration.fillerTokens
            let base = core.contextLength(of: first.id)
            let tokens = (0..<first.tokenCount).map { filler[(base + $0) % filler.count] }
            returnCall(first.id, tokens: tokens)
        }
    }

    func timeUntilNextTimer() -> Duration? {
        let next = [timers.min?.at, sessions.values.map(\.expiresAt).min()].compactMap { $0 }.min()
        return next.map { max(.zero, $0 - now) }
    }

    // MARK: Phase: execute and apply

    private func step(_ plan: BatchPlan) {
        checkInvariants("schedule")
        defer { checkInvariants("apply") }
        let shape = plan.shape(blockSize: core.configuration.cache.blockSize)
        let started = clock.now
        let events: [EngineEvent]
        var failed = false
        do {
            let output = try executor.execute(plan)
            events = try core.apply(output, now: now)
            learnCost(shape, duration: output.duration)
        } catch {
            failed = true
            stats.failedStepCount += 1
            events = core.failInFlight(now: now)
            failedStepMessage = "\(error)"
        }
        stats.stepCount += 1
        stats.lastStepDuration = clock.now - started
        deliver(events)
        observer.stepCompleted(StepReport(
            shape: shape, duration: stats.lastStepDuration,
            prefillTokenCount: plan.sequences.reduce(0) { $0 + ($1.isDecode ? 0 : $1.tokenCount) },
            sampledTokenCount: plan.sequences.filter(\.samplesNextToken).count, failed: failed))
        publish()
    }

    var failedStepMessage = ""

    /// Phase: each constrained sequence that samples this step gets its processor's token set.
    func constrain(_ plan: inout BatchPlan) {
        for index in plan.sequences.indices where plan.sequences[index].samplesNextToken {
            guard let request = live[plan.sequences[index].requestID], let allowed = request.processor.allowedTokens() else { continue }
            plan.sequences[index].allowedTokens = allowed
        }
    }

    func checkInvariants(_ phase: String) {
        guard configuration.checksInvariants else { return }
        let problems = core.checkInvariants()
        guard !problems.isEmpty else { return }
        stats.invariantViolationCount += problems.count
        if stats.firstInvariantViolation == nil { stats.firstInvariantViolation = "after \(phase): \(problems[0])" }
    }

    private func learnCost(_ shape: StepShape, duration: Duration) {
        let predicted = core.costModel.computeSeconds(batchTokenCount: shape.tokenCount, decodeContextTokenCount: shape.decodeContextTokenCount, sampledSequenceCount: shape.sampledSequenceCount)
            + core.costModel.swapSeconds(tokenCount: shape.swapTokenCount)
        if duration.seconds > 0 {
            stats.costError += (abs(predicted - duration.seconds) / duration.seconds - stats.costError) * 0.05
        }
        if let model = costFit.add(shape, duration: duration) { try? core.updateCostModel(model) }
    }

    // MARK: Publishing

    func publish(phase: RuntimeSnapshot.Phase? = nil) {
        let engine = core.snapshot
        let liveCount = core.liveRequestCount
        let cost = core.costModel
        let accuracy = core.predictorAccuracy
        let stats = stats
        let observed = costFit.observedCount
        service?.published.withLock { snapshot in
            if let phase, snapshot.phase == .starting || phase != .ready { snapshot.phase = phase }
            snapshot.engine = engine
            snapshot.liveRequestCount = liveCount
            snapshot.cost = cost
            snapshot.stepCount = stats.stepCount
            snapshot.failedStepCount = stats.failedStepCount
            snapshot.lastStepDuration = stats.lastStepDuration
            snapshot.costFitObservedCount = observed
            snapshot.costPredictionError = stats.costError
            snapshot.predictorAccuracy = accuracy
            snapshot.invariantViolationCount = stats.invariantViolationCount
            snapshot.firstInvariantViolation = stats.firstInvariantViolation
        }
    }

    func releaseAdmission(tokens: Int) {
        service?.admission.withLock {
            $0.requestCount -= 1
            $0.tokenCount -= tokens
        }
    }
}

/// A request the engine thread is serving.
struct LiveRequest {
    let ticket: Ticket
    let id: RequestID
    let continuation: AsyncStream<RequestEvent>.Continuation
    let processor: any OutputProcessor
    let promptTokenCount: Int
    /// Engine time of submission.
    let submittedAt: Duration
    var firstTokenAt: Duration?
    var lastTokenAt: Duration?
    /// The processor ended the request as this reason (wins over the core's own at the same token).
    var finishReason: FinishReason?
    /// The session key it may leave a session under.
    let sessionKey: String?
    /// Continuing a session: the request's counts when this turn began, and the context it found
    /// held in the engine (what usage reports as cached).
    var baseline = TurnBaseline()

    init(submission: Submission, id: RequestID, processor: any OutputProcessor, submittedAt: Duration) {
        ticket = submission.ticket
        self.id = id
        continuation = submission.continuation
        self.processor = processor
        promptTokenCount = submission.spec.promptTokens.count
        self.submittedAt = submittedAt
        sessionKey = submission.session?.key
    }
}

/// A turn's starting point within a request that continues a session.
struct TurnBaseline {
    var generatedTokenCount = 0
    var returnedTokenCount = 0
    var recomputedTokenCount = 0
    var callCount = 0
    var preemptionCount = 0
    /// Context tokens computed before the turn began (held, swapped, or findable in the prefix
    /// cache after a discard); what is not recomputed of them is the turn's cached prompt. Nil: not
    /// a continued session.
    var heldTokenCount: Int?
}

/// A request suspended as a session, waiting for its follow-up.
struct SessionEntry {
    var key: String?
    var expiresAt: Duration
}

/// A trace-replay call that returns at `at` with `tokenCount` tokens.
struct CallTimer: Comparable {
    let at: Duration
    let sequence: UInt64
    let id: RequestID
    let tokenCount: Int

    static func < (lhs: CallTimer, rhs: CallTimer) -> Bool { lhs.at != rhs.at ? lhs.at < rhs.at : lhs.sequence < rhs.sequence }
    static func == (lhs: CallTimer, rhs: CallTimer) -> Bool { lhs.at == rhs.at && lhs.sequence == rhs.sequence }
}

struct LoopStatistics {
    var stepCount = 0
    var failedStepCount = 0
    var lastStepDuration: Duration = .zero
    /// Exponentially weighted mean relative error of the cost model's step-time prediction.
    var costError = 0.0
    var invariantViolationCount = 0
    var firstInvariantViolation: String?
}
