extension TokenTrie {
    /// The tokens that may come next: exactly those whose bytes `matcher` accepts in full.
    /// EOS and other never-allowed tokens are not included: add EOS when `matcher.canFinish`.
    ///
    /// Stacks inside a string are answered from `StringTokenTables` (a mask copy plus a check of
    /// the few tokens that close the string); the others by a preorder walk of the trie that
    /// steps copies of the stacks and skips every subtree whose prefix is rejected. Results for
    /// states without a string in progress are cached (`cacheCapacity`).
    public func allowedTokens(_ matcher: GrammarMatcher, into mask: inout TokenMask) {
        if mask.vocabularySize != vocabularySize { mask = makeMask() } else { mask.removeAll() }
        let program = matcher.program
        var walked: [FrameStack] = []
        var inString: [FrameStack] = []
        for stack in matcher.stacks {
            if Self.isInsideString(stack, program) { inString.append(stack) } else { walked.append(stack) }
        }
        let key = inString.isEmpty ? MaskCache.Key(program: program.identifier, stacks: walked) : nil
        if let key, let cached = cache.withLock({ $0.lookup(key) }) {
            mask.assign(cached)
            return
        }
        for stack in inString { addStringTokens(stack, program, into: &mask) }
        if !walked.isEmpty { walk(walked, program, into: &mask) }
        if let key {
            let stored = mask
            cache.withLock { $0.store(key, stored) }
        }
    }

    /// Preorder walk: `levels[d]` holds the stacks after the first d bytes of the current path.
    private func walk(_ stacks: [FrameStack], _ program: GrammarProgram, into mask: inout TokenMask) {
        var levels = [[FrameStack]](repeating: [], count: maxDepth + 1)
        levels[0] = stacks
        var node = 1
        let nodeCount = nodeBytes.count
        while node < nodeCount {
            let depth = Int(nodeDepths[node])
            // Taken out and put back so the level's storage is reused without overlapping access.
            var next = levels[depth]
            levels[depth] = []
            next.removeAll(keepingCapacity: true)
            let byte = nodeBytes[node]
            for stack in levels[depth - 1] { program.feed(stack, byte, into: &next) }
            guard !next.isEmpty else {
                levels[depth] = next
                node = Int(subtreeEnds[node])
                continue
            }
            if next.count > 1 { next = GrammarMatcher.deduplicated(next) }
            for index in Int(nodeTokenStarts[node]) ..< Int(nodeTokenStarts[node + 1]) { mask.insert(nodeTokens[index]) }
            levels[depth] = next
            node += 1
        }
    }

    /// A stack whose top is a string past its opening quote.
    static func isInsideString(_ stack: FrameStack, _ program: GrammarProgram) -> Bool {
        guard let top = stack.last, top.phase > 0, case .string = program.nodes[Int(top.node)] else { return false }
        return true
    }

    private func addStringTokens(_ stack: FrameStack, _ program: GrammarProgram, into mask: inout TokenMask) {
        guard let top = stack.last, case .string(let rule) = program.nodes[Int(top.node)] else { return }
        let table = stringTables.states[Int(top.phase - 1)]
        let count = Int(top.count)
        let budget = rule.maxLength - count
        if budget >= table.maxCharacters {
            mask.formUnion(table.allInside)
        } else if budget <= StringTokenTables.countedCharacters {
            mask.formUnion(table.withinCharacters[max(budget, 0)])
        } else {
            mask.formUnion(table.withinCharacters[StringTokenTables.countedCharacters])
            for entry in table.longTokens where Int(entry.characters) <= budget { mask.insert(entry.token) }
        }
        addClosingTokens(table.closingTokens, after: stack, rule: rule, program, into: &mask)
    }

    /// Checks each closing token's bytes after the quote against the stacks that follow the
    /// string; tokens are sorted by those bytes, so equal rests are checked once.
    private func addClosingTokens(
        _ closing: [StringTokenTables.ClosingToken], after stack: FrameStack, rule: StringRule,
        _ program: GrammarProgram, into mask: inout TokenMask
    ) {
        let count = Int(stack.last?.count ?? 0)
        var closed: [FrameStack] = []
        program.resume(Array(stack.dropLast()), into: &closed)
        var previousRest: ArraySlice<UInt8>?
        var previousAccepted = false
        for entry in closing {
            let characters = count + Int(entry.characters)
            guard characters >= rule.minLength, characters <= rule.maxLength else { continue }
            let rest = StringTokenTables.rest(of: entry, tokenBytes)
            if rest != previousRest {
                previousRest = rest
                previousAccepted = rest.isEmpty || Self.accepts(closed, rest, program)
            }
            if previousAccepted { mask.insert(entry.token) }
        }
    }

    static func accepts(_ stacks: [FrameStack], _ bytes: ArraySlice<UInt8>, _ program: GrammarProgram) -> Bool {
        var current = stacks
        for byte in bytes {
            var next: [FrameStack] = []
            for stack in current { program.feed(stack, byte, into: &next) }
            guard !next.isEmpty else { return false }
            current = next.count > 1 ? GrammarMatcher.deduplicated(next) : next
        }
        return true
    }
}
