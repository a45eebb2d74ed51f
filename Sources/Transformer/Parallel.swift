import Dispatch

/// Splits `count` items into contiguous ranges over `threads` workers (the caller is one of them).
enum Parallel {
    static func forRanges(_ count: Int, threads: Int, minimumPerThread: Int = 16, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = max(1, min(threads, count / max(1, minimumPerThread)))
        guard workers > 1 else {
            body(0..<count)
            return
        }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * chunk
            let end = min(count, start + chunk)
            if start < end { body(start..<end) }
        }
    }
}

/// A pointer handed to parallel workers.
///
/// `@unchecked Sendable`: the workers of one `Parallel.forRanges` call read shared inputs and
/// write disjoint ranges of the output; the call returns only when every worker has finished, so no
/// access outlives or races the owner's.
struct SharedPointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}
