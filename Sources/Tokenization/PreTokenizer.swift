/// Splits text into the pieces BPE runs on, like a regex split but written by hand over Unicode
/// scalars (this is on every request's path).
///
/// `.gpt2` is GPT-2's pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
/// `.smollm` (llama.cpp's `smollm` pre-tokenizer) first isolates every `\p{N}` scalar as its own
/// piece and then applies the GPT-2 pattern to each stretch between them, so the pattern never
/// looks across a digit (`"  1"` gives `"  "` and `"1"`, and `" 2"` gives `" "` and `"2"`).
public enum PreTokenizer: String, Sendable, CaseIterable {
    case gpt2
    case smollm

    /// `tokenizer.ggml.pre` values this module implements.
    public static let supportedNames = ["gpt2", "default", "smollm"]

    /// The pre-tokenizer `tokenizer.ggml.pre` names.
    public static func named(_ name: String) throws(TokenizerError) -> PreTokenizer {
        switch name {
        case "gpt2", "default": .gpt2
        case "smollm": .smollm
        default: throw .unsupportedPreTokenizer(name)
        }
    }

    /// The pieces of `text`, for inspection and tests.
    public func split(_ text: String) -> [String] {
        let scan = ScalarScan(text)
        var pieces: [Range<Int>] = []
        appendPieces(of: scan, in: 0 ..< scan.count, to: &pieces)
        let bytes = Array(text.utf8)
        return pieces.map { String(decoding: bytes[scan.byteRange($0)], as: UTF8.self) }
    }

    /// Appends the scalar ranges of the pieces of `scan[range]` to `pieces`.
    func appendPieces(of scan: ScalarScan, in range: Range<Int>, to pieces: inout [Range<Int>]) {
        guard self == .smollm else {
            GPT2Pattern.appendMatches(of: scan, in: range, to: &pieces)
            return
        }
        var stretchStart = range.lowerBound
        for index in range where scan.classes[index] == .number {
            GPT2Pattern.appendMatches(of: scan, in: stretchStart ..< index, to: &pieces)
            pieces.append(index ..< index + 1)
            stretchStart = index + 1
        }
        GPT2Pattern.appendMatches(of: scan, in: stretchStart ..< range.upperBound, to: &pieces)
    }
}

/// GPT-2's split pattern as a scanner. At each position the alternatives are tried in the
/// pattern's order and the first that matches wins, exactly as a backtracking regex engine would.
enum GPT2Pattern {
    static func appendMatches(of scan: ScalarScan, in range: Range<Int>, to pieces: inout [Range<Int>]) {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = matchEnd(scan, from: start, limit: range.upperBound)
            pieces.append(start ..< end)
            start = end
        }
    }

    /// End of the match starting at `start`; always greater than `start`.
    static func matchEnd(_ scan: ScalarScan, from start: Int, limit: Int) -> Int {
        if let end = contractionEnd(scan, from: start, limit: limit) { return end }
        let classes = scan.classes
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional U+0020, then a run of one class.
        var runStart = start
        if scan.values[start] == 0x20, start + 1 < limit, classes[start + 1] != .whitespace { runStart = start + 1 }
        let runClass = classes[runStart]
        if runClass != .whitespace {
            var end = runStart + 1
            while end < limit, classes[end] == runClass { end += 1 }
            return end
        }
        // `\s+(?!\S)` then `\s+`: a whitespace run; if non-space follows it, leave the run's last
        // scalar for the next match (unless the run is a single scalar, which `\s+` takes).
        var end = start + 1
        while end < limit, classes[end] == .whitespace { end += 1 }
        if end < limit, end - start > 1 { return end - 1 }
        return end
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` (case-sensitive, as in GPT-2).
    private static func contractionEnd(_ scan: ScalarScan, from start: Int, limit: Int) -> Int? {
        guard scan.values[start] == 0x27, start + 1 < limit else { return nil }
        let first = scan.values[start + 1]
        switch first {
        case 0x73, 0x74, 0x6D, 0x64: return start + 2  // s t m d
        default: break
        }
        guard start + 2 < limit else { return nil }
        let second = scan.values[start + 2]
        switch (first, second) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return start + 3  // re ve ll
        default: return nil
        }
    }
}
