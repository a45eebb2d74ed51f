/// Which positions of a sequence produce logits.
public enum LogitSelection: Sendable, Equatable {
    /// None (a prefill chunk that is not the prompt's last).
    case none
    /// The last new position only (what sampling needs).
    case last
    /// Every new position (tests, scoring).
    case all
}

/// One sequence's share of a forward pass: `tokens` at positions `startPosition ..<
/// startPosition + tokens.count`; their K/V are stored in, and attention reads from, the blocks
/// of `blockTable` (block `i` holds positions `i·blockSize ..< (i+1)·blockSize`).
public struct BatchSequence: Sendable, Equatable {
    /// The new tokens.
    public var tokens: [Int32]
    /// Position of `tokens[0]`: the number of tokens already in this sequence's cache.
    public var startPosition: Int
    /// Device blocks covering at least positions `0 ..< startPosition + tokens.count`.
    public var blockTable: [Int32]
    /// Positions whose logits the pass returns.
    public var logits: LogitSelection

    public init(tokens: [Int32], startPosition: Int, blockTable: [Int32], logits: LogitSelection = .last) {
        self.tokens = tokens
        self.startPosition = startPosition
        self.blockTable = blockTable
        self.logits = logits
    }
}

/// Where every row of the flattened batch comes from and goes to, and the attention work items;
/// rebuilt for each pass in place (its arrays keep their capacity across passes).
struct BatchLayout {
    /// Per row: position, cache block and slot.
    var positions: [Int] = []
    var blocks: [Int] = []
    var slots: [Int] = []
    /// Rows whose final hidden state goes through the LM head, in output order.
    var logitRows: [Int] = []
    /// Per sequence: first row.
    var firstRows: [Int] = []
    var attentionTasks: [AttentionTask] = []

    var rowCount: Int { positions.count }

    /// Validates `batch` against the model and cache, then lays it out.
    mutating func build(
        _ batch: [BatchSequence], hyper: LlamaHyperparameters, cache: PagedKVCache, gemmRowThreshold: Int
    ) throws(TransformerError) {
        positions.removeAll(keepingCapacity: true)
        blocks.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        logitRows.removeAll(keepingCapacity: true)
        firstRows.removeAll(keepingCapacity: true)
        for (index, sequence) in batch.enumerated() {
            try Self.validate(sequence, index: index, hyper: hyper, cache: cache)
            firstRows.append(positions.count)
            for offset in sequence.tokens.indices {
                let position = sequence.startPosition + offset
                positions.append(position)
                blocks.append(Int(sequence.blockTable[position / cache.blockSize]))
                slots.append(position % cache.blockSize)
            }
            switch sequence.logits {
            case .none: break
            case .last: logitRows.append(positions.count - 1)
            case .all: logitRows.append(contentsOf: firstRows[index]..<positions.count)
            }
        }
        planAttention(batch, hyper: hyper, gemmRowThreshold: gemmRowThreshold)
    }

    private static func validate(
        _ sequence: BatchSequence, index: Int, hyper: LlamaHyperparameters, cache: PagedKVCache
    ) throws(TransformerError) {
        let start = sequence.startPosition
        guard !sequence.tokens.isEmpty else { throw .invalidBatch(sequence: index, reason: "no tokens") }
        let (end, overflow) = start.addingReportingOverflow(sequence.tokens.count)
        guard start >= 0, !overflow, end <= hyper.contextLength else {
            throw .invalidBatch(sequence: index, reason: "positions \(start)..<\(end) outside the context of \(hyper.contextLength)")
        }
        let needed = (end + cache.blockSize - 1) / cache.blockSize
        guard sequence.blockTable.count >= needed else {
            throw .invalidBatch(sequence: index, reason: "\(sequence.blockTable.count) blocks cannot hold \(end) positions (need \(needed))")
        }
        if let bad = sequence.blockTable.prefix(needed).first(where: { $0 < 0 || Int($0) >= cache.blockCount }) {
            throw .invalidBatch(sequence: index, reason: "block \(bad) outside the pool of \(cache.blockCount)")
        }
        if let bad = sequence.tokens.first(where: { $0 < 0 || Int($0) >= hyper.vocabularySize }) {
            throw .invalidBatch(sequence: index, reason: "token \(bad) outside the vocabulary of \(hyper.vocabularySize)")
        }
    }

    /// Short runs of rows attend row by row, one task per (sequence, query head); long runs
    /// (prefill chunks) use sgemm over tiles of `AttentionTask.tileRows` rows, one task per
    /// (sequence, KV head, tile), largest tiles first so the last tasks to start are short.
    private mutating func planAttention(_ batch: [BatchSequence], hyper: LlamaHyperparameters, gemmRowThreshold: Int) {
        attentionTasks.removeAll(keepingCapacity: true)
        for (index, sequence) in batch.enumerated() {
            let first = firstRows[index], count = sequence.tokens.count
            if count < gemmRowThreshold {
                for head in 0..<hyper.headCount {
                    attentionTasks.append(AttentionTask(sequence: index, rows: first..<first + count, head: head, tiled: false))
                }
                continue
            }
            for tileStart in stride(from: 0, to: count, by: AttentionTask.tileRows).reversed() {
                let rows = first + tileStart..<first + min(count, tileStart + AttentionTask.tileRows)
                for kvHead in 0..<hyper.kvHeadCount {
                    attentionTasks.append(AttentionTask(sequence: index, rows: rows, head: kvHead, tiled: true))
                }
            }
        }
    }
}

/// One unit of attention work: `rows` (consecutive rows of one sequence) for one query head
/// (row by row) or one KV head and its query group (`tiled`, with sgemm).
struct AttentionTask {
    static let tileRows = 64
    var sequence: Int
    var rows: Range<Int>
    var head: Int
    var tiled: Bool
}
