/// KV block bookkeeping for requests: growing block tables, releasing, swapping and making room.
extension EngineCore {
    /// Device blocks a request must add to hold its first `tokenCount` tokens.
    func additionalBlocks(for request: Request, coveringTokens tokenCount: Int) -> Int {
        max(0, (tokenCount + blockSize - 1) / blockSize - request.blocks.count)
    }

    /// Allocates blocks so the request's table covers `tokenCount` tokens; all or nothing.
    func grow(_ request: Request, coveringTokens tokenCount: Int) -> Bool {
        let needed = additionalBlocks(for: request, coveringTokens: tokenCount)
        guard needed > 0 else { return true }
        guard let blocks = pool.allocate(count: needed) else { return false }
        request.blocks.append(contentsOf: blocks)
        return true
    }

    /// Frees all of a request's KV (device and host). It must recompute from scratch; with prefix
    /// caching the freed blocks stay findable.
    func discardContext(_ request: Request) {
        pool.release(request.blocks)
        request.blocks.removeAll(keepingCapacity: true)
        for slot in request.hostSlots { host.release(slot) }
        request.hostSlots.removeAll()
        request.blockHashes.removeAll(keepingCapacity: true)
        request.computedCount = 0
    }

    /// Copies up to `maxBlocks` tail blocks of `request` to host memory within the round's
    /// swap-out budget and the free host slots. Returns the device blocks freed.
    @discardableResult
    func swapOutTail(of request: Request, maxBlocks: Int, round: inout RoundState) -> Int {
        var moved = 0
        var slots: [HostSlotID] = []
        while moved < maxBlocks, round.swapOutBudget >= blockSize, let block = request.blocks.last,
            pool.referenceCount(of: block) == 1, let slot = host.allocate()
        {
            request.blocks.removeLast()
            round.swapOut.append(BlockTransfer(device: block, host: slot))
            pool.release(block)
            slots.append(slot)
            round.swapOutBudget -= blockSize
            moved += 1
        }
        request.hostSlots.insert(contentsOf: slots.reversed(), at: 0)
        request.swappedBlockCount += moved
        if moved > 0 { round.transferred.append(request) }
        return moved
    }

    /// Copies host blocks of `request` back to new device blocks, in order, within the swap-in
    /// budget and free device memory. Returns true when the request is fully on the device.
    func swapIn(_ request: Request, round: inout RoundState) -> Bool {
        if !request.hostSlots.isEmpty, round.swapInBudget >= blockSize, pool.freeCount > 0 { round.transferred.append(request) }
        while !request.hostSlots.isEmpty, round.swapInBudget >= blockSize, let block = pool.allocate() {
            let slot = request.hostSlots.removeFirst()
            round.swapIn.append(BlockTransfer(device: block, host: slot))
            hostSlotsPendingRelease.append(slot)
            request.blocks.append(block)
            request.swappedBlockCount += 1
            round.swapInBudget -= blockSize
        }
        return request.hostSlots.isEmpty
    }

    /// Frees device memory until `blockCount` blocks are free, taking victims in this order:
    /// paused requests (the policy's pick), then delayed requests — partly swapped out, computing
    /// nothing until fully back — then running requests of lower priority than `requester` that
    /// were not scheduled this round (lowest priority first). Returns true on success.
    func makeRoom(blockCount: Int, for requester: Request?, round: inout RoundState, now: Duration) -> Bool {
        while pool.freeCount < blockCount {
            if let victim = policy.pausedVictim(core: self, now: now) {
                reclaimPaused(victim, shortfall: blockCount - pool.freeCount, round: &round)
            } else if let victim = swappedQueue.last(where: { !$0.blocks.isEmpty }) {
                reclaimDelayed(victim, shortfall: blockCount - pool.freeCount, round: &round, now: now)
            } else if let victim = lowestPriorityRunning(after: requester, round: round.number) {
                preemptRunning(victim, shortfall: blockCount - pool.freeCount, round: &round, now: now)
            } else {
                return false
            }
        }
        return true
    }

    private func lowestPriorityRunning(after requester: Request?, round: Int) -> Request? {
        for candidate in running.reversed() {
            if let requester, candidate === requester || !precedes(requester, candidate) { return nil }
            if candidate.lastScheduledRound != round { return candidate }
        }
        return nil
    }

    /// A paused victim is swapped out if the policy swaps and the budget allows, else discarded.
    private func reclaimPaused(_ victim: Request, shortfall: Int, round: inout RoundState) {
        if policy.swapsUnderPressure {
            let moved = swapOutTail(of: victim, maxBlocks: shortfall, round: &round)
            if moved > 0 {
                victim.state = .paused(.swap)
                return
            }
        }
        discardContext(victim)
        victim.state = .paused(.discard)
    }

    /// A delayed request gives up more tail blocks, or all its KV (recompute) if it cannot swap.
    private func reclaimDelayed(_ victim: Request, shortfall: Int, round: inout RoundState, now: Duration) {
        if policy.swapsUnderPressure, swapOutTail(of: victim, maxBlocks: shortfall, round: &round) > 0 { return }
        convertSwappedToRecompute(victim, now: now)
    }

    /// A running victim is swapped out (tail blocks, within budget) or preempted by recompute.
    func preemptRunning(_ victim: Request, shortfall: Int, round: inout RoundState, now: Duration) {
        remove(victim, from: &running)
        victim.preemptionCount += 1
        totalPreemptionCount += 1
        if policy.swapsUnderPressure, swapOutTail(of: victim, maxBlocks: shortfall, round: &round) > 0 {
            enqueueSwapped(victim, now: now)
            return
        }
        discardContext(victim)
        enqueueWaiting(victim, entry: .preempted, now: now)
    }

    /// With prefix caching, attaches the cached blocks of the longest matching prefix of a request
    /// that holds no KV. At least one token is left to compute so the request can sample.
    func attachCachedPrefix(_ request: Request) {
        guard pool.prefixCachingEnabled, request.blocks.isEmpty, request.hostSlots.isEmpty else { return }
        let maxBlocks = (request.tokens.count - 1) / blockSize
        var parent: UInt64 = 0
        for index in 0..<maxBlocks {
            let start = index * blockSize
            let hash = blockContentHash(parent: parent, tokens: request.tokens[start..<start + blockSize])
            guard let block = pool.acquireCached(contentHash: hash) else { break }
            request.blocks.append(block)
            request.blockHashes.append(hash)
            parent = hash
        }
        request.computedCount = request.blocks.count * blockSize
    }

    /// Registers the request's newly filled blocks with the prefix cache.
    func registerFullBlocks(of request: Request) {
        guard pool.prefixCachingEnabled else { return }
        let fullBlocks = min(request.computedCount / blockSize, request.blocks.count)
        while request.blockHashes.count < fullBlocks {
            let index = request.blockHashes.count
            let start = index * blockSize
            let parent = request.blockHashes.last ?? 0
            let hash = blockContentHash(parent: parent, tokens: request.tokens[start..<start + blockSize])
            pool.register(request.blocks[index], contentHash: hash)
            request.blockHashes.append(hash)
        }
    }
}
