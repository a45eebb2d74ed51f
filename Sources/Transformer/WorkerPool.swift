import Foundation
import Synchronization

/// A small set of persistent threads that run the parallel regions of a forward pass.
///
/// The calling thread is worker 0 and `threadCount - 1` helpers are started once. A region
/// hands out task indices from an atomic counter, so a worker that was descheduled (another
/// process on the same core) delays only the tasks it took. Between regions the helpers spin
/// for a short while (a decode step opens ~200 regions a few microseconds apart, and waking a
/// parked thread costs tens of microseconds), then park on a condition variable.
public final class WorkerPool: @unchecked Sendable {
    // @unchecked Sendable: the mutable state lives in `PoolState`, whose fields are atomics or
    // guarded by its condition; a region is claimed through the atomic `busy` flag, so a second
    // caller (another thread, or a task) never touches the shared task word and runs inline.

    /// Most tasks one region hands out through the shared word (the rest run on the caller).
    static let maxTaskCount = Int(PoolState.indexMask)

    /// Threads taking part in a region, the caller included.
    public let threadCount: Int
    private let state: PoolState

    /// Starts `threadCount - 1` helper threads (at least one thread in total), at `niceness`
    /// (Linux per-thread nice value; 0 keeps the default).
    public init(threadCount: Int, niceness: Int32 = 0) {
        self.threadCount = max(1, threadCount)
        state = PoolState()
        for worker in 1..<self.threadCount {
            let state = self.state
            let thread = Thread {
                WorkerPool.setCurrentThreadNiceness(niceness)
                state.workerLoop(worker: worker)
            }
            thread.name = "augserve-worker-\(worker)"
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Lowers (positive) the scheduling priority of the calling thread only — Linux keeps a nice
    /// value per thread. A server gives its compute threads a positive value so that the threads
    /// answering HTTP (a token to write, a `/metrics` scrape) run as soon as they are runnable
    /// instead of queueing behind a whole model step; idle cores still go to compute. No effect
    /// where unsupported, or for 0.
    public static func setCurrentThreadNiceness(_ niceness: Int32) {
        guard niceness != 0 else { return }
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// Calls `body(task, worker)` once for every task in `0..<taskCount`, spread over the
    /// threads; returns when all calls have returned. A call made while another region of this
    /// pool is running (from another thread, or from inside a task) runs its tasks on the
    /// calling thread alone, as worker 0 of a pool of one.
    public func run(taskCount: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        guard taskCount > 0 else { return }
        guard threadCount > 1, taskCount > 1,
            state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for task in 0..<taskCount { body(task, 0) }
            return
        }
        defer { state.busy.store(false, ordering: .releasing) }
        let count = min(taskCount, Self.maxTaskCount)
        withoutActuallyEscaping(body) { escapable in
            state.start(taskCount: count, body: escapable)
            state.finish(taskCount: count)
        }
        // Regions never come close to this size; run any excess tasks on the caller.
        for task in count..<taskCount { body(task, 0) }
    }
}

/// The shared state of a pool. Helpers keep only this object alive, so the pool's `deinit` can
/// stop them.
///
/// One atomic word holds the region's generation, task count and next task index, so a helper
/// that wakes late can never claim a task of a region that has moved on: claiming is a
/// compare-exchange on the word it read, and the region's caller waits for completed tasks, not
/// for helpers.
private final class PoolState: @unchecked Sendable {
    // @unchecked Sendable: `body` is written by the caller only while no task of a region can be
    // claimed (before publishing the region word with a releasing store, after every task has
    // completed) and read by a worker only after it claimed a task of that region (acquiring
    // compare-exchange); `sleepers` and `stopping` are guarded by `condition`.
    let word = Atomic<UInt64>(0)
    /// Set while a region runs; a second caller then runs its tasks alone.
    let busy = Atomic<Bool>(false)
    let completed = Atomic<Int>(0)
    var body: ((Int, Int) -> Void)?
    let condition = NSCondition()
    var sleepers = 0
    var stopping = false

    /// Spins before parking; about 50–100 µs of polling on current x86 cores.
    static let spinLimit = 40_000
    static let indexBits: UInt64 = 20
    static let indexMask: UInt64 = (1 << indexBits) - 1

    static func generation(_ word: UInt64) -> UInt64 { word >> (2 * indexBits) }
    static func count(_ word: UInt64) -> Int { Int((word >> indexBits) & indexMask) }
    static func index(_ word: UInt64) -> Int { Int(word & indexMask) }

    func start(taskCount: Int, body: @escaping (Int, Int) -> Void) {
        self.body = body
        completed.store(0, ordering: .relaxed)
        let generation = Self.generation(word.load(ordering: .relaxed)) &+ 1
        let next = (generation << (2 * Self.indexBits)) | (UInt64(taskCount) << Self.indexBits)
        word.store(next, ordering: .releasing)
        condition.lock()
        if sleepers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Claims and runs tasks of region `generation` until none is left.
    func drain(generation: UInt64, worker: Int) {
        var current = word.load(ordering: .acquiring)
        while Self.generation(current) == generation, Self.index(current) < Self.count(current) {
            let (exchanged, found) = word.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            guard exchanged else {
                current = found
                continue
            }
            body?(Self.index(current), worker)
            completed.add(1, ordering: .releasing)
            current = word.load(ordering: .acquiring)
        }
    }

    /// Called by the region's caller after `start`; returns when every task has completed.
    func finish(taskCount: Int) {
        drain(generation: Self.generation(word.load(ordering: .relaxed)), worker: 0)
        while completed.load(ordering: .acquiring) < taskCount {}
        body = nil
    }

    func workerLoop(worker: Int) {
        var seen = Self.generation(word.load(ordering: .acquiring))
        while let generation = waitForGeneration(after: seen) {
            seen = generation
            drain(generation: generation, worker: worker)
        }
    }

    /// The next region's generation, or nil when the pool stops.
    private func waitForGeneration(after seen: UInt64) -> UInt64? {
        for _ in 0..<Self.spinLimit {
            let current = Self.generation(word.load(ordering: .acquiring))
            if current != seen { return current }
        }
        condition.lock()
        defer { condition.unlock() }
        sleepers += 1
        while Self.generation(word.load(ordering: .acquiring)) == seen && !stopping { condition.wait() }
        sleepers -= 1
        return stopping ? nil : Self.generation(word.load(ordering: .acquiring))
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}
