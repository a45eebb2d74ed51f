import AsyncHTTPClient
import Foundation
import Measurement
import NIOPosix
import Synchronization
import Workloads

/// One run of the load generator: the arrivals of a window sent on schedule with at most
/// `concurrency` requests in flight, then up to `drainLimit` for the last ones to finish (the rest
/// are cancelled and count as unfinished: missed).
public struct LoadRun: Sendable {
    public var baseURL: String
    public var target: BenchTarget
    public var filler: FillerText
    public var concurrency = 64
    public var drainLimit: Duration = .seconds(60)
    /// The model name to send; nil asks `GET /v1/models`.
    public var model: String?
    /// Judges requests for the progress line's goodput.
    public var slo: SLOConfig?

    public init(baseURL: String, target: BenchTarget, filler: FillerText) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.target = target
        self.filler = filler
    }

    public func validate() throws(BenchError) {
        guard (1...10_000).contains(concurrency) else { throw .invalid("--concurrency \(concurrency): must be in 1...10000") }
        guard drainLimit >= .zero, drainLimit <= .seconds(86_400) else { throw .invalid("--drain-limit: must be in 0...86400 s") }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .invalid("--url '\(baseURL)': expected http://HOST:PORT")
        }
    }

    /// Runs `body` until it returns or `deadline` passes; then it is cancelled, and what it
    /// returns on cancellation (a record marked unfinished) is the answer.
    static func withDeadline(
        _ deadline: ContinuousClock.Instant, unfinished: ClientRecord, _ body: @escaping @Sendable () async -> ClientRecord
    ) async -> ClientRecord {
        await withTaskGroup(of: ClientRecord?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            var result: ClientRecord?
            while let next = await group.next() {
                group.cancelAll()
                if let next { result = next }
            }
            return result ?? unfinished
        }
    }

    /// The record of a request that never finished, with why.
    static func unfinished(_ arriving: ArrivingRequest, _ reason: String) -> ClientRecord {
        var record = ClientRecord(index: arriving.index, type: arriving.trace.type, arrival: arriving.arrival, promptTokens: arriving.trace.promptTokenCount)
        record.failure = reason
        return record
    }

    /// A client with its own event loop thread, a pool as large as the concurrency.
    static func makeClient(concurrency: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        // Idle connections are dropped before common servers' keep-alive timeouts (5 s in
        // llama.cpp's and uvicorn's), so the pool rarely hands out one the server is closing.
        configuration.connectionPool = .init(idleTimeout: .seconds(2), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, concurrency))
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(600))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1), configuration: configuration)
    }

    /// The served model's name from `GET /v1/models`.
    static func servedModel(client: HTTPClient, baseURL: String) async throws(BenchError) -> String {
        do {
            var request = HTTPClientRequest(url: baseURL + "/v1/models")
            request.method = .GET
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw BenchError.server("GET /v1/models: HTTP \(response.status.code)") }
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            guard let id = ((object?["data"] as? [[String: Any]])?.first)?["id"] as? String else {
                throw BenchError.server("GET /v1/models: no model listed")
            }
            return id
        } catch let error as BenchError {
            throw error
        } catch {
            throw .server("cannot reach \(baseURL): \(error)")
        }
    }

    /// Sends `arrivals` (sorted by arrival) and returns one record per request, in arrival order.
    public func run(_ arrivals: [ArrivingRequest], window: Duration, progress: @escaping @Sendable (String) -> Void) async throws(BenchError) -> [ClientRecord] {
        try validate()
        let client = Self.makeClient(concurrency: concurrency)
        let model: String
        do {
            if let given = self.model { model = given } else { model = try await Self.servedModel(client: client, baseURL: baseURL) }
        } catch {
            try? await client.shutdown()
            throw error
        }
        let records = await run(arrivals, window: window, client: client, model: model, progress: progress)
        try? await client.shutdown()
        return records
    }

    private func run(
        _ arrivals: [ArrivingRequest], window: Duration, client: HTTPClient, model: String, progress: @escaping @Sendable (String) -> Void
    ) async -> [ClientRecord] {
        let start = ContinuousClock.now
        let player = RequestPlayer(client: client, baseURL: baseURL, model: model, target: target, filler: filler, start: start)
        let counters = Counters()
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                if Task.isCancelled { break }
                progress(counters.line(elapsed: ContinuousClock.now - start, total: arrivals.count))
            }
        }
        defer { reporter.cancel() }
        let deadline = start + window + drainLimit
        let slo = self.slo
        // Records by position in `arrivals` (indices may repeat: the unloaded sample sends each request several times).
        var results = [ClientRecord?](repeating: nil, count: arrivals.count)
        await withTaskGroup(of: (Int, ClientRecord).self) { group in
            var inFlight = 0
            func collect(_ position: Int, _ record: ClientRecord) { results[position] = record }
            for (position, arriving) in arrivals.enumerated() {
                try? await Task.sleep(until: start + arriving.arrival, clock: .continuous)
                while inFlight >= concurrency, let (done, record) = await group.next() {
                    inFlight -= 1
                    collect(done, record)
                }
                guard ContinuousClock.now < deadline else { break }
                counters.sent()
                inFlight += 1
                group.addTask {
                    let record = await Self.withDeadline(deadline, unfinished: Self.unfinished(arriving, "not finished within the drain limit")) {
                        await player.play(arriving)
                    }
                    counters.finished(record, slo: slo)  // counted when it ends, for the progress line
                    return (position, record)
                }
            }
            while let (done, record) = await group.next() { collect(done, record) }
        }
        progress(counters.line(elapsed: ContinuousClock.now - start, total: arrivals.count))
        // Requests never sent (the deadline passed first) are unfinished too.
        return zip(arrivals, results).map { arriving, record in
            record ?? Self.unfinished(arriving, "not sent before the drain limit")
        }
    }
}

/// Progress counters shared by the run's tasks.
final class Counters: Sendable {
    private struct State {
        var sent = 0, done = 0, failed = 0, good = 0
        var failures: [String: Int] = [:]
    }
    private let state = Mutex(State())

    func sent() { state.withLock { $0.sent += 1 } }

    func finished(_ record: ClientRecord, slo: SLOConfig?) {
        state.withLock {
            if let failure = record.failure {
                $0.failed += 1
                $0.failures[failure, default: 0] += 1
            } else {
                $0.done += 1
                if let slo, slo.isMet(by: record.requestRecord) { $0.good += 1 }
            }
        }
    }

    func line(elapsed: Duration, total: Int) -> String {
        state.withLock { s in
            let seconds = max(elapsed.secondsValue, 1e-9)
            return "\(Int(seconds)) s: sent \(s.sent)/\(total), done \(s.done), failed \(s.failed), goodput so far \(String(format: "%.2f", Double(s.good) / seconds)) req/s"
        }
    }
}
