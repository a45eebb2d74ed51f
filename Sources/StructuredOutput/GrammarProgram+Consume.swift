/// Per-node byte steps. Phases are documented next to each node kind's code.
extension GrammarProgram {
    /// What `frame` does with `byte`.
    func consume(_ frame: Frame, _ byte: UInt8) -> FrameStep {
        switch nodes[Int(frame.node)] {
        case .literal(let bytes): consumeLiteral(frame, byte, bytes)
        case .literalSet(let literals): consumeLiteralSet(frame, byte, literals)
        case .sequence: .rejected  // never on top: entering one descends into its first child
        case .choice(let alternatives, _): .dispatch(alternatives)
        case .string(let rule): StringLexer.consume(frame, byte, rule)
        case .integer(let rule): IntegerLexer.consume(frame, byte, rule)
        case .number: NumberLexer.consume(frame, byte)
        case .object(let rule): consumeObject(frame, byte, rule)
        case .map(let rule): consumeMap(frame, byte, rule)
        case .array(let rule): consumeArray(frame, byte, rule)
        }
    }

    /// Whether `frame` may end without another byte (frames that must end pop on their last
    /// byte, so only the ones that could also go on answer yes).
    func mayEnd(_ frame: Frame) -> Bool {
        switch nodes[Int(frame.node)] {
        case .literalSet(let literals): frame.count > 0 && literals[Int(frame.detail)].count == Int(frame.count)
        case .integer(let rule): IntegerLexer.mayEnd(frame, rule)
        case .number: NumberLexer.mayEnd(frame)
        default: false
        }
    }

    /// Literal: `count` is the number of bytes matched.
    private func consumeLiteral(_ frame: Frame, _ byte: UInt8, _ bytes: [UInt8]) -> FrameStep {
        let offset = Int(frame.count)
        guard bytes[offset] == byte else { return .rejected }
        guard offset + 1 < bytes.count else { return .finished }
        var next = frame
        next.count += 1
        return .advanced(next)
    }

    /// Literal set: `count` bytes matched; `detail` is the first literal (in sorted order) with
    /// those bytes as a prefix. Sorting keeps all literals with one prefix contiguous, ordered by
    /// their next byte, with the literal equal to the prefix (if any) first, so the next
    /// candidate is found by binary search (large enums stay cheap).
    private func consumeLiteralSet(_ frame: Frame, _ byte: UInt8, _ literals: [[UInt8]]) -> FrameStep {
        let offset = Int(frame.count)
        let prefix = literals[Int(frame.detail)].prefix(offset)
        // The first literal not below `prefix + byte`.
        var low = Int(frame.detail), high = literals.count
        while low < high {
            let middle = (low + high) / 2
            if Self.precedes(literals[middle], prefix, byte) { low = middle + 1 } else { high = middle }
        }
        guard low < literals.count, Self.sharePrefix(literals[low], literals[Int(frame.detail)], offset),
              literals[low].count > offset, literals[low][offset] == byte
        else { return .rejected }
        let matched = offset + 1
        let longerFollows = low + 1 < literals.count && Self.sharePrefix(literals[low + 1], literals[low], matched)
        if literals[low].count == matched, !longerFollows { return .finished }
        return .advanced(Frame(node: frame.node, count: Int32(matched), detail: Int64(low)))
    }

    /// Whether `literal` sorts before `prefix + [byte]`.
    private static func precedes(_ literal: [UInt8], _ prefix: ArraySlice<UInt8>, _ byte: UInt8) -> Bool {
        for (position, expected) in prefix.enumerated() {
            guard position < literal.count else { return true }
            if literal[position] != expected { return literal[position] < expected }
        }
        guard prefix.count < literal.count else { return true }
        return literal[prefix.count] < byte
    }

    static func sharePrefix(_ first: [UInt8], _ second: [UInt8], _ length: Int) -> Bool {
        guard first.count >= length, second.count >= length else { return false }
        for position in 0 ..< length where first[position] != second[position] { return false }
        return true
    }

    /// Array phases: 0 before `[`, 1 after `[`, 2 after an item, 3 after `,`; `count` items so far.
    private func consumeArray(_ frame: Frame, _ byte: UInt8, _ rule: ArrayRule) -> FrameStep {
        var next = frame
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "[") else { return .rejected }
            next.phase = 1
            return .advanced(next)
        case 1 where byte == UInt8(ascii: "]"):
            return rule.minItems == 0 ? .finished : .rejected
        case 1, 3:
            guard Int(frame.count) < rule.maxItems, firstBytes[Int(rule.item)].contains(byte) else { return .rejected }
            next.phase = 2
            next.count += 1
            return .delegate(next, child: rule.item)
        default:
            if byte == UInt8(ascii: "]") { return Int(frame.count) >= rule.minItems ? .finished : .rejected }
            guard byte == UInt8(ascii: ","), Int(frame.count) < rule.maxItems else { return .rejected }
            next.phase = 3
            return .advanced(next)
        }
    }

    /// Free-form object phases: 0 before `{`, 1 after `{`, 2 after a value, 3 after `,`,
    /// 4 after a key (expecting `:`); `count` members so far.
    private func consumeMap(_ frame: Frame, _ byte: UInt8, _ rule: MapRule) -> FrameStep {
        var next = frame
        switch frame.phase {
        case 0:
            guard byte == UInt8(ascii: "{") else { return .rejected }
            next.phase = 1
            return .advanced(next)
        case 1 where byte == UInt8(ascii: "}"):
            return .finished
        case 1, 3:
            guard byte == UInt8(ascii: "\"") else { return .rejected }
            next.phase = 4
            return .delegate(next, child: rule.key)
        case 4:
            guard byte == UInt8(ascii: ":") else { return .rejected }
            next.phase = 2
            next.count += 1
            return .enter(next, child: rule.value)
        default:
            if byte == UInt8(ascii: "}") { return .finished }
            guard byte == UInt8(ascii: ","), Int(frame.count) < rule.maxMembers else { return .rejected }
            next.phase = 3
            return .advanced(next)
        }
    }
}
