import Foundation

/// One allocation holding every repacked weight matrix of a model, 2 MiB-aligned and advised for
/// transparent huge pages (fewer TLB misses while streaming ~100 MB per token).
///
/// `@unchecked Sendable`: written only while the model is being loaded, read-only afterwards.
final class WeightArena: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    private var used = 0

    static let alignment = 2 << 20

    init(byteCount: Int) throws(TransformerError) {
        var pointer: UnsafeMutableRawPointer?
        let size = max(byteCount, 64)
        guard posix_memalign(&pointer, Self.alignment, size) == 0, let pointer else {
            throw .invalidCacheShape("cannot allocate \(size) bytes for the model's weights")
        }
        _ = madvise(pointer, size, Self.hugePageAdvice)
        base = pointer
        self.byteCount = size
    }

    deinit { free(base) }

    /// The next `count` bytes (64-byte aligned); the caller sized the arena for all requests.
    func take(_ count: Int) -> UnsafeMutableRawPointer? {
        let start = (used + 63) / 64 * 64
        guard start + count <= byteCount else { return nil }
        used = start + count
        return base + start
    }

    /// Bytes `take` needs for these sizes.
    static func size(for counts: [Int]) -> Int { counts.reduce(0) { $0 + ($1 + 63) / 64 * 64 } }

    #if os(Linux)
    static let hugePageAdvice: Int32 = 14  // MADV_HUGEPAGE
    static let pageOutAdvice: Int32 = 21  // MADV_PAGEOUT: reclaim clean pages, contents kept
    #else
    static let hugePageAdvice: Int32 = 0  // MADV_NORMAL
    static let pageOutAdvice: Int32 = 0
    #endif

    /// Asks the kernel to drop the resident pages of `bytes` (a tensor already packed), so the
    /// model's resident memory is the packed copy only. A hint: on failure, or for memory that
    /// is not file-backed, nothing changes, and the bytes stay readable either way.
    static func releasePages(of bytes: UnsafeRawBufferPointer) {
        guard pageOutAdvice != 0, let start = bytes.baseAddress, bytes.count > 0 else { return }
        let page = Int(getpagesize())
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + bytes.count) / page * page
        guard end > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(pointer, end - first, pageOutAdvice)
    }
}
