import AsyncHTTPClient
import Foundation
import Measurement
import NIOCore
import Workloads

/// How augmented requests reach the server.
public enum BenchTarget: String, Sendable, CaseIterable, Codable {
    /// The server plays each call itself (AugServe's trace-replay extension): one streamed request.
    case augserve
    /// The client plays each call as a client-side tool round trip: it waits the call's duration,
    /// then sends the context back with the call's returned tokens appended. Any OpenAI-compatible
    /// server (`/v1/completions` with `ignore_eos`) can be measured this way.
    case generic
}

/// Plays one workload request against a server and records what the client saw.
struct RequestPlayer: Sendable {
    var client: HTTPClient
    var baseURL: String
    var model: String
    var target: BenchTarget
    var filler: FillerText
    var start: ContinuousClock.Instant
    var timeout: Duration = .seconds(600)

    func now() -> Duration { ContinuousClock.now - start }

    func play(_ arriving: ArrivingRequest) async -> ClientRecord {
        let trace = arriving.trace
        var record = ClientRecord(index: arriving.index, type: trace.type, arrival: arriving.arrival, promptTokens: trace.promptTokenCount)
        var leading = true
        for segment in trace.segments {
            if segment.decodeTokenCount > 0 { leading = false }
            if leading, let call = segment.call { record.callTimeBeforeFirstToken += call.duration }
        }
        let prompt = filler.text(tokens: trace.promptTokenCount, key: FillerText.key(trace.key))
        do {
            switch target {
            case .augserve: try await playWithExtension(trace, prompt: prompt, into: &record)
            case .generic: try await playAsClient(trace, prompt: prompt, instance: UInt64(arriving.index), into: &record)
            }
            record.finishedAt = now()
        } catch is CancellationError {
            record.failure = "not finished within the drain limit"
        } catch {
            record.failure = Task.isCancelled ? "not finished within the drain limit" : "\(error)"
        }
        return record
    }

    // MARK: extension mode

    private func playWithExtension(_ trace: TraceRequest, prompt: String, into record: inout ClientRecord) async throws {
        let segments = trace.segments.map { segment -> String in
            guard let call = segment.call else { return #"{"decode":\#(segment.decodeTokenCount)}"# }
            return #"{"decode":\#(segment.decodeTokenCount),"call":{"name":"\#(call.kind.name)","duration_s":\#(call.duration.secondsValue),"returned_tokens":\#(call.returnedTokenCount)}}"#
        }
        let body = #"{"model":"\#(model)","prompt":"\#(prompt)","max_tokens":\#(max(1, trace.maxOutputTokenCount)),"temperature":0,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true},"augserve":{"class":"\#(trace.type)","segments":[\#(segments.joined(separator: ","))]}}"#
        // Gaps that contain a call are not inter-token latency: the call boundaries in content
        // chunks (one per generated token) are the cumulative decode counts.
        var boundaries = Set<Int>()
        var cumulative = 0
        for segment in trace.segments.dropLast() {
            cumulative += segment.decodeTokenCount
            if segment.call != nil { boundaries.insert(cumulative) }
        }
        let response = try await stream(body: body, record: &record, callBoundaries: boundaries)
        record.generatedTokens = response.completionTokens ?? response.contentChunks
        record.returnedTokens = response.extensionReturned ?? trace.returnedTokenCount
        record.callCount = response.extensionCalls ?? trace.callCount
        record.callTime = response.extensionCallSeconds.map { .seconds($0) } ?? trace.totalCallDuration
        record.cachedTokens = response.cachedTokens
        record.serverPromptTokens = response.promptTokens ?? 0
        record.intendedPromptTokens = trace.promptTokenCount
        record.preemptions = response.preemptions
        record.swappedBlocks = response.swappedBlocks
    }

    // MARK: generic mode

    private func playAsClient(_ trace: TraceRequest, prompt: String, instance: UInt64, into record: inout ClientRecord) async throws {
        var context = prompt
        var contextTokens = trace.promptTokenCount
        for (position, segment) in trace.segments.enumerated() {
            if segment.decodeTokenCount > 0 {
                let body = #"{"model":"\#(model)","prompt":\#(JSONValue.quoted(context)),"max_tokens":\#(segment.decodeTokenCount),"temperature":0,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}"#
                let response = try await stream(body: body, record: &record, callBoundaries: [])
                record.generatedTokens += response.completionTokens ?? response.contentChunks
                if position == 0 { record.cachedTokens = response.cachedTokens }
                record.serverPromptTokens += response.promptTokens ?? 0
                record.intendedPromptTokens += contextTokens
                contextTokens += segment.decodeTokenCount
                context += response.text
            }
            guard let call = segment.call else { continue }
            // The client-side tool: wait its duration, then return its tokens as context.
            try await Task.sleep(for: call.duration)
            record.callCount += 1
            record.callTime += call.duration
            record.returnedTokens += call.returnedTokenCount
            contextTokens += call.returnedTokenCount
            context += filler.text(tokens: call.returnedTokenCount, key: FillerText.mix(instance &* 31 &+ UInt64(position)))
        }
    }

    // MARK: one streamed response

    struct StreamResult {
        var text = ""
        var contentChunks = 0
        var completionTokens: Int?
        var cachedTokens = 0
        var promptTokens: Int?
        var extensionCalls: Int?
        var extensionReturned: Int?
        var extensionCallSeconds: Double?
        var preemptions = 0
        var swappedBlocks = 0
    }

    private func stream(body: String, record: inout ClientRecord, callBoundaries: Set<Int>) async throws -> StreamResult {
        var request = HTTPClientRequest(url: baseURL + "/v1/completions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        if record.sentAt == nil { record.sentAt = now() }
        let response = try await executeRetryingStaleConnections(request, record: &record)
        guard response.status == .ok else {
            let text = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
            throw BenchError.server("HTTP \(response.status.code): \(Self.errorMessage(text))")
        }
        var reader = SSEReader()
        var result = StreamResult()
        var lastChunk: Duration?
        var done = false
        for try await buffer in response.body {
            for payload in try reader.feed(buffer.readableBytesView) {
                if payload == "[DONE]" {
                    done = true
                    continue
                }
                guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else {
                    throw BenchError.server("a stream event that is not JSON: \(payload.prefix(80))")
                }
                if let error = object["error"] as? [String: Any] {
                    throw BenchError.server("error in the stream: \(error["message"] as? String ?? "?")")
                }
                if let choice = (object["choices"] as? [[String: Any]])?.first, let text = choice["text"] as? String, !text.isEmpty {
                    let time = now()
                    if record.firstTokenAt == nil { record.firstTokenAt = time }
                    if let lastChunk, !callBoundaries.contains(result.contentChunks) {
                        record.interTokenGaps.append((time - lastChunk).secondsValue)
                    }
                    lastChunk = time
                    result.contentChunks += 1
                    result.text += text
                }
                if let usage = object["usage"] as? [String: Any] {
                    result.completionTokens = usage["completion_tokens"] as? Int
                    result.promptTokens = usage["prompt_tokens"] as? Int
                    result.cachedTokens = ((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int) ?? 0
                }
                if let ext = object["augserve"] as? [String: Any] {
                    result.extensionCalls = ext["calls"] as? Int ?? result.extensionCalls
                    result.extensionReturned = ext["returned_tokens"] as? Int ?? result.extensionReturned
                    result.extensionCallSeconds = ext["call_seconds"] as? Double ?? result.extensionCallSeconds
                    result.preemptions = ext["preemptions"] as? Int ?? result.preemptions
                    result.swappedBlocks = ext["swapped_blocks"] as? Int ?? result.swappedBlocks
                }
            }
        }
        guard done else { throw BenchError.server("the stream ended without [DONE]") }
        return result
    }

    /// A pooled keep-alive connection the server closed just as it was reused fails before any
    /// response arrives; the request never reached a handler, so it is sent again on a new
    /// connection (at most twice more; counted in the record). Any other error is the server's.
    private func executeRetryingStaleConnections(_ request: HTTPClientRequest, record: inout ClientRecord) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            do {
                return try await client.execute(request, timeout: .init(timeout))
            } catch where attempt < 2 && Self.isStaleConnection(error) && !Task.isCancelled {
                attempt += 1
                record.connectionRetries += 1
            }
        }
    }

    static func isStaleConnection(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError, client == .remoteConnectionClosed { return true }
        if let channel = error as? ChannelError, channel == .ioOnClosedChannel { return true }
        return false
    }

    static func errorMessage(_ body: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        let message = (object?["error"] as? [String: Any])?["message"] as? String ?? body
        return String(message.prefix(200))
    }
}
