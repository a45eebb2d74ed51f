/// Objects with declared properties.
///
/// Phases: 0 before `{`, 1 after `{`, 2 after a value, 3 after `,`, 4 inside a key.
/// `count` is the index of the last emitted property plus one (0: none yet). Inside a key,
/// `detail` packs the candidate property (high 32 bits) and the key bytes matched (low 32 bits).
/// Keys are matched as whole `"name":` literals; they are prefix-free (a key ends at its first
/// unescaped quote), so the key is known once its colon arrives.
extension GrammarProgram {
    func consumeObject(_ frame: Frame, _ byte: UInt8, _ rule: ObjectRule) -> FrameStep {
        let last = Int(frame.count) - 1
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "{") else { return .rejected }
            return .advanced(Frame(node: frame.node, phase: 1, count: frame.count))
        case 1 where byte == UInt8(ascii: "}"), 2 where byte == UInt8(ascii: "}"):
            return rule.mayClose(after: last) ? .finished : .rejected
        case 1, 3:
            return startKey(frame, byte, rule, after: last)
        case 2:
            guard byte == UInt8(ascii: ","), rule.allowedRange(after: last) != nil else { return .rejected }
            return .advanced(Frame(node: frame.node, phase: 3, count: frame.count))
        default:
            return continueKey(frame, byte, rule, after: last)
        }
    }

    private func startKey(_ frame: Frame, _ byte: UInt8, _ rule: ObjectRule, after last: Int) -> FrameStep {
        guard let range = rule.allowedRange(after: last),
              let index = range.first(where: { rule.keys[$0][0] == byte })
        else { return .rejected }
        return .advanced(Frame(node: frame.node, phase: 4, count: frame.count, detail: Self.keyState(index, matched: 1)))
    }

    private func continueKey(_ frame: Frame, _ byte: UInt8, _ rule: ObjectRule, after last: Int) -> FrameStep {
        guard let range = rule.allowedRange(after: last) else { return .rejected }
        let candidate = Int(frame.detail >> 32)
        let matched = Int(frame.detail & 0xFFFF_FFFF)
        let prefix = rule.keys[candidate]
        for index in candidate ... range.upperBound {
            let key = rule.keys[index]
            guard key.count > matched, key[matched] == byte, Self.sharePrefix(key, prefix, matched) else { continue }
            guard matched + 1 == key.count else {
                return .advanced(Frame(node: frame.node, phase: 4, count: frame.count, detail: Self.keyState(index, matched: matched + 1)))
            }
            return .enter(Frame(node: frame.node, phase: 2, count: Int32(index + 1)), child: rule.values[index])
        }
        return .rejected
    }

    private static func keyState(_ index: Int, matched: Int) -> Int64 { Int64(index) << 32 | Int64(matched) }
}
