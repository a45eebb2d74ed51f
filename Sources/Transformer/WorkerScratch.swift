/// A float buffer that grows on demand and is reused across passes (no per-token allocation).
/// Its contents are uninitialized floats; callers write before they read.
final class GrowableBuffer {
    private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 16)
    private(set) var capacity = 16

    deinit { pointer.deallocate() }

    /// A buffer of at least `count` floats; its contents are undefined after growing.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity + capacity / 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}

/// Buffers private to one worker thread: the dequantized weight tile of the sgemm path and the
/// scores and gathered K/V of attention.
final class WorkerScratch {
    let tile = GrowableBuffer()
    let scores = GrowableBuffer()
    let keys = GrowableBuffer()
    let values = GrowableBuffer()
}

/// Per-worker scratch, indexed by the worker number a `WorkerPool` region passes.
///
/// `@unchecked Sendable`: worker `i` only ever touches element `i`, and regions do not overlap.
struct WorkerScratchSet: @unchecked Sendable {
    let workers: [WorkerScratch]

    init(count: Int) { workers = (0..<max(1, count)).map { _ in WorkerScratch() } }

    subscript(worker: Int) -> WorkerScratch { workers[worker] }
}
