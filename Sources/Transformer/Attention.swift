import COpenBLAS

/// Causal grouped-query attention of one layer over the paged cache. Query head `h` reads KV
/// head `h / groupSize`; a row at position `p` attends to positions `0...p` of its own sequence,
/// whose K/V (this pass's rows included) are already in the cache.
///
/// `@unchecked Sendable`: it is a bundle of pointers for the workers of one region; the cache
/// and the queries are only read, and each task writes the output columns of its own rows and
/// heads.
struct AttentionContext: @unchecked Sendable {
    let hyper: LlamaHyperparameters
    let cache: PagedKVCache
    let layer: Int
    /// `[row][headCount·headDimension]`, RoPE applied.
    let query: UnsafeMutablePointer<Float>
    /// `[row][headCount·headDimension]`.
    let output: UnsafeMutablePointer<Float>
    let positions: UnsafePointer<Int>

    var rowStride: Int { hyper.headCount * hyper.headDimension }
    var scale: Float { 1 / Float(hyper.headDimension).squareRoot() }

    func run(_ task: AttentionTask, table: [Int32], scratch: WorkerScratch) {
        if task.tiled {
            attendTile(task, table: table, scratch: scratch)
        } else {
            for row in task.rows { attendRow(row, head: task.head, table: table, scratch: scratch) }
        }
    }

    /// One row, one query head, key by key.
    private func attendRow(_ row: Int, head: Int, table: [Int32], scratch: WorkerScratch) {
        let hd = hyper.headDimension, blockSize = cache.blockSize, kvHead = head / hyper.groupSize
        let length = positions[row] + 1
        let scores = scratch.scores.reserve(length)
        let q = query + row * rowStride + head * hd
        let scale = scale
        for start in stride(from: 0, to: length, by: blockSize) {
            let keys = cache.panel(block: Int(table[start / blockSize]), layer: layer, isValue: false, head: kvHead)
            for slot in 0..<min(blockSize, length - start) {
                scores[start + slot] = Self.dot(q, keys + slot * hd, hd) * scale
            }
        }
        Elementwise.softmax(scores, count: length)
        let out = output + row * rowStride + head * hd
        out.initialize(repeating: 0, count: hd)
        for start in stride(from: 0, to: length, by: blockSize) {
            let values = cache.panel(block: Int(table[start / blockSize]), layer: layer, isValue: true, head: kvHead)
            for slot in 0..<min(blockSize, length - start) {
                Self.addScaled(scores[start + slot], values + slot * hd, out, hd)
            }
        }
    }

    /// A tile of rows of one sequence for one KV head and its query group: K and V of positions
    /// `0...last` are gathered contiguously, then `S = scale·Q·Kᵀ`, the causal softmax per row,
    /// and `O = S·V` run as sgemm.
    private func attendTile(_ task: AttentionTask, table: [Int32], scratch: WorkerScratch) {
        let hd = hyper.headDimension, blockSize = cache.blockSize
        let first = task.rows.lowerBound, rowCount = task.rows.count
        let length = positions[task.rows.upperBound - 1] + 1
        let keys = scratch.keys.reserve(length * hd), values = scratch.values.reserve(length * hd)
        for start in stride(from: 0, to: length, by: blockSize) {
            let block = Int(table[start / blockSize]), count = min(blockSize, length - start) * hd
            (keys + start * hd).update(from: cache.panel(block: block, layer: layer, isValue: false, head: task.head), count: count)
            (values + start * hd).update(from: cache.panel(block: block, layer: layer, isValue: true, head: task.head), count: count)
        }
        let scores = scratch.scores.reserve(rowCount * length)
        let (m, n, k, ld) = (Int32(rowCount), Int32(length), Int32(hd), Int32(rowStride))
        for member in 0..<hyper.groupSize {
            let head = task.head * hyper.groupSize + member
            let q = query + first * rowStride + head * hd
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, scale, q, ld, keys, k, 0, scores, n)
            for i in 0..<rowCount {
                let valid = positions[first + i] + 1, row = scores + i * length
                Elementwise.softmax(row, count: valid)
                (row + valid).update(repeating: 0, count: length - valid)
            }
            let out = output + first * rowStride + head * hd
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, k, n, 1, scores, n, values, k, 0, out, ld)
        }
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD16<Float>()
        for i in stride(from: 0, to: count, by: 16) {
            acc.addProduct(Elementwise.load(a + i), Elementwise.load(b + i))
        }
        return acc.sum()
    }

    @inline(__always)
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        for i in stride(from: 0, to: count, by: 16) {
            Elementwise.store(Elementwise.load(y + i).addingProduct(a, Elementwise.load(x + i)), y + i)
        }
    }
}
