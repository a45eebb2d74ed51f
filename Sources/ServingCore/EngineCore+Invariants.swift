/// Consistency checks over the whole core, for tests and `simulate --check-invariants`.
extension EngineCore {
    /// Every violated invariant, described; empty when the core is consistent.
    ///
    /// - device: each block's reference count equals the number of live block tables holding it,
    ///   and `free + used == total`;
    /// - host: used slots equal the slots held by requests plus those awaiting release;
    /// - each live request is in exactly the one container its state names;
    /// - waiting and discarded requests hold no KV; running requests hold none on the host;
    /// - the last plan respected the token budget.
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        checkDeviceBlocks(&problems)
        checkHostSlots(&problems)
        checkMembership(&problems)
        checkPlacement(&problems)
        let planned = inFlight.reduce(0) { $0 + $1.tokenCount }
        if planned > lastTokenBudget { problems.append("plan has \(planned) tokens, budget \(lastTokenBudget)") }
        return problems
    }

    private func checkDeviceBlocks(_ problems: inout [String]) {
        var references = Array(repeating: 0, count: pool.totalCount)
        for request in requests.values {
            for block in request.blocks { references[block.index] += 1 }
        }
        var used = 0
        for index in 0..<pool.totalCount {
            let counted = pool.referenceCount(of: BlockID(index: index))
            if counted > 0 { used += 1 }
            if counted != references[index] {
                problems.append("block \(index): pool counts \(counted) references, tables hold \(references[index])")
            }
        }
        if used != pool.usedCount || pool.freeCount + pool.usedCount != pool.totalCount {
            problems.append("device: free \(pool.freeCount) + used \(pool.usedCount) vs referenced \(used), total \(pool.totalCount)")
        }
    }

    private func checkHostSlots(_ problems: inout [String]) {
        let held = requests.values.reduce(0) { $0 + $1.hostSlots.count } + hostSlotsPendingRelease.count
        if held != host.usedCount || host.freeCount + host.usedCount != host.totalCount {
            problems.append("host: used \(host.usedCount), held \(held), free \(host.freeCount), total \(host.totalCount)")
        }
    }

    private func checkMembership(_ problems: inout [String]) {
        var seen: [RequestID: String] = [:]
        func visit(_ list: [Request], _ name: String, _ matches: (RequestState) -> Bool) {
            for request in list {
                if let other = seen[request.id] { problems.append("\(request.id) in \(other) and \(name)") }
                seen[request.id] = name
                if !matches(request.state) { problems.append("\(request.id) in \(name) but \(request.state)") }
                if requests[request.id] !== request { problems.append("\(request.id) in \(name) but not live") }
            }
        }
        visit(running, "running") { $0 == .running }
        visit(swappedQueue, "swapped") { $0 == .swapped }
        visit(paused, "paused") { if case .paused = $0 { true } else { false } }
        visit(waiting.members, "waiting") { $0 == .waiting }
        if seen.count != requests.count { problems.append("\(requests.count) live requests, \(seen.count) in containers") }
    }

    private func checkPlacement(_ problems: inout [String]) {
        for request in requests.values {
            let holdsKV = !request.blocks.isEmpty || !request.hostSlots.isEmpty
            switch request.state {
            case .waiting, .paused(.discard):
                if holdsKV { problems.append("\(request.id) is \(request.state) but holds KV") }
            case .running:
                if !request.hostSlots.isEmpty { problems.append("\(request.id) runs with blocks on host") }
            default: break
            }
            let capacity = (request.blocks.count + request.hostSlots.count) * blockSize
            if capacity < request.computedCount {
                problems.append("\(request.id) computed \(request.computedCount) tokens but holds \(capacity)")
            }
        }
    }
}
