/// Moving requests between the state containers. Every state change goes through here so that a
/// request is in exactly one container, matching its `state`.
extension EngineCore {
    /// Seconds of queue key per priority step: larger than any arrival time or cost a key holds,
    /// so `RequestSpec.priority` orders first in every policy's running and swapped sets and in
    /// the FCFS waiting queues (AugServe's ranked queue orders by priority tier).
    static let priorityKeyScale = 1e9

    func enqueueWaiting(_ request: Request, entry: QueueEntry, now: Duration) {
        let priority = Double(min(max(request.spec.priority, -1_000), 1_000))
        request.queueKey = policy.queueKey(for: request, entry: entry, now: now) + priority * Self.priorityKeyScale
        request.state = .waiting
        request.waitingSince = now
        waiting.insert(request)
    }

    /// Moves a request into the running set, closing its queueing episode.
    func startRunning(_ request: Request, now: Duration) {
        closeQueueingEpisode(request, now: now)
        request.state = .running
        insertSorted(request, into: &running)
    }

    func enqueueSwapped(_ request: Request, now: Duration) {
        request.state = .swapped
        request.waitingSince = now
        insertSorted(request, into: &swappedQueue)
    }

    func pause(_ request: Request, mode: ContextMode) {
        request.state = .paused(mode)
        paused.append(request)
    }

    func closeQueueingEpisode(_ request: Request, now: Duration) {
        if let since = request.waitingSince {
            request.queueingDelay += now - since
            request.waitingSince = nil
        }
    }

    /// Takes the request out of whichever container its state says it is in.
    func detach(_ request: Request) {
        switch request.state {
        case .waiting: waiting.remove(request)
        case .running: remove(request, from: &running)
        case .swapped: remove(request, from: &swappedQueue)
        case .paused: remove(request, from: &paused)
        case .finished: break
        }
    }

    func insertSorted(_ request: Request, into list: inout [Request]) {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if precedes(list[mid], request) { low = mid + 1 } else { high = mid }
        }
        list.insert(request, at: low)
    }

    /// Priority order of the running and swapped sets: lower key first, then earlier id.
    func precedes(_ a: Request, _ b: Request) -> Bool {
        a.queueKey != b.queueKey ? a.queueKey < b.queueKey : a.id < b.id
    }

    func remove(_ request: Request, from list: inout [Request]) {
        if let index = list.firstIndex(where: { $0 === request }) { list.remove(at: index) }
    }
}
