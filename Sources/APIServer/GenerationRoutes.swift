import EngineRuntime
import Foundation
import HTTPTypes
import Hummingbird
import OpenAIProtocol
import ServingCore
import Tokenization

/// `POST /v1/chat/completions` and `POST /v1/completions`.
struct GenerationRoutes: Sendable {
    let engine: EngineService
    let model: ServedModel
    let configuration: APIServerConfiguration

    enum Kind: Sendable {
        case chat, completion
        var idPrefix: String { self == .chat ? "chatcmpl-" : "cmpl-" }
        var chunkObject: String { self == .chat ? "chat.completion.chunk" : "text_completion" }
    }

    func chat(_ request: Request, context: some RequestContext) async throws -> Response {
        try checkCapacity()
        var request = request
        let body = try await readBody(&request)
        let parsed = try decode(ChatCompletionRequest.self, body)
        try checkModel(parsed.fields.model)
        if parsed.logprobs || (parsed.topLogprobs ?? 0) > 0 {
            throw APIError.badRequest("'logprobs' is not supported by this server", param: "logprobs")
        }
        let prompt = try renderChat(parsed.messages)
        let generation = try GenerationRequest(
            fields: parsed.fields, prompt: prompt, model: model, objectives: try objectives(request))
        return try await run(generation, kind: .chat, request: request)
    }

    func completion(_ request: Request, context: some RequestContext) async throws -> Response {
        try checkCapacity()
        var request = request
        let body = try await readBody(&request)
        let parsed = try decode(CompletionRequest.self, body)
        try checkModel(parsed.fields.model)
        if parsed.logprobs != nil { throw APIError.badRequest("'logprobs' is not supported by this server", param: "logprobs") }
        if parsed.echo { throw APIError.badRequest("'echo' is not supported by this server", param: "echo") }
        if let suffix = parsed.suffix, !suffix.isEmpty { throw APIError.badRequest("'suffix' is not supported by this server", param: "suffix") }
        if let bestOf = parsed.bestOf, bestOf != 1 { throw APIError.badRequest("invalid 'best_of' \(bestOf): only 1 is supported", param: "best_of") }
        let prompt: [TokenID]
        switch parsed.prompt {
        case .text(let text): prompt = model.tokenizer.encode(text, parseSpecial: true)
        case .tokens(let ids):
            guard ids.allSatisfy({ $0 >= 0 && $0 < model.vocabularySize }) else {
                throw APIError.badRequest("invalid 'prompt': token ids must be in 0..<\(model.vocabularySize)", param: "prompt")
            }
            prompt = ids.map { TokenID($0) }
        }
        let generation = try GenerationRequest(
            fields: parsed.fields, prompt: prompt, model: model, objectives: try objectives(request))
        return try await run(generation, kind: .completion, request: request)
    }

    // MARK: Steps shared by both endpoints

    /// The bounded queue, decided before the body is read or anything is tokenized.
    private func checkCapacity() throws {
        do { try engine.checkCapacity() } catch { throw APIError(error) }
    }

    private func readBody(_ request: inout Request) async throws -> [UInt8] {
        let buffer = try await request.collectBody(upTo: configuration.maxBodyByteCount)
        return Array(buffer.readableBytesView)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        do { return try WireError.decode(type, from: body) } catch { throw APIError(error) }
    }

    func checkModel(_ name: String?) throws {
        guard let name, name != model.name, name != model.root else { return }
        throw APIError.notFound("The model '\(name)' does not exist; this server serves '\(model.name)'.", param: "model")
    }

    private func objectives(_ request: Request) throws -> RequestObjectives {
        try GenerationRequest.objectives(ttft: request.headers[.sloTTFT], tpot: request.headers[.sloTPOT])
    }

    /// The conversation in the model's chat template, tokenized with its special tokens.
    func renderChat(_ messages: [ChatCompletionRequest.Message]) throws -> [TokenID] {
        guard !messages.isEmpty else { throw APIError.badRequest("'messages' must not be empty", param: "messages") }
        var rendered: [ChatMessage] = []
        for (index, message) in messages.enumerated() {
            let role: ChatRole
            switch message.role {
            case "system", "developer": role = .system
            case "user": role = .user
            case "assistant": role = .assistant
            case "tool": role = .tool
            default:
                throw APIError.badRequest(
                    "invalid 'messages[\(index)].role' '\(message.role.prefix(40))': expected system, developer, user, assistant or tool",
                    param: "messages[\(index)].role")
            }
            rendered.append(ChatMessage(role: role, content: message.content))
        }
        return model.tokenizer.encode(model.template.render(messages: rendered, addGenerationPrompt: true), parseSpecial: true)
    }

    private func run(_ generation: GenerationRequest, kind: Kind, request: Request) async throws -> Response {
        let handle: RequestHandle
        do {
            handle = try engine.submit(generation.spec, processor: TextProcessorFactory(tokenizer: model.tokenizer, stops: generation.stops))
        } catch { throw APIError(error) }
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let header = ResponseHeader(id: kind.idPrefix + requestID, created: Int(Date().timeIntervalSince1970), model: model.name)
        let responder = ResponseWriter(engine: engine, handle: handle, header: header, kind: kind, includeUsage: generation.includeUsage)
        if generation.stream { return responder.streaming(request: request, requestID: requestID) }
        return try await responder.whole(request: request, requestID: requestID)
    }
}

/// Turns a request's events into the response body: one JSON object, or Server-Sent Events.
///
/// Both wait inside Hummingbird's `consumeWithCancellationOnInboundClose`, which is how a client's
/// disconnect reaches us (the wait is cancelled and the request aborted) while the engine has
/// nothing to send — queued, or paused in a call. It watches the connection's inbound side, so the
/// connection cannot be reused afterwards: these responses say `Connection: close`, and clients
/// open a new connection for the next request (cheap on loopback; other endpoints keep alive).
struct ResponseWriter: Sendable {
    let engine: EngineService
    let handle: RequestHandle
    let header: ResponseHeader
    let kind: GenerationRoutes.Kind
    let includeUsage: Bool

    static func finishReason(_ reason: FinishReason) -> String {
        switch reason {
        case .length, .contextLimit: "length"
        case .stop: "stop"
        case .aborted: "abort"
        case .error: "error"
        }
    }

    static func usage(_ summary: RequestSummary) -> Usage {
        Usage(promptTokens: summary.promptTokenCount, completionTokens: summary.generatedTokenCount, cachedTokens: summary.cachedPromptTokenCount)
    }

    /// The `augserve` extension of a response, for requests that made calls.
    static func calls(_ summary: RequestSummary) -> CallUsage? {
        guard summary.callCount > 0 else { return nil }
        return CallUsage(
            callCount: summary.callCount, returnedTokens: summary.returnedTokenCount, callSeconds: summary.callTime.seconds,
            preemptions: summary.preemptionCount, swappedBlocks: summary.swappedBlockCount)
    }

    /// Waits for the whole generation; a client that disconnects meanwhile aborts it.
    func whole(request: Request, requestID: String) async throws -> Response {
        let outcome = try await withAbortOnCancel {
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                var text = ""
                for await event in handle.events {
                    switch event {
                    case .token(_, let piece): text += piece
                    case .paused, .resumed: break
                    case .finished(let summary, let rest): return Result<(String, RequestSummary), APIError>.success((text + rest, summary))
                    case .failed(let error): return .failure(APIError(error))
                    }
                }
                try Task.checkCancellation()
                return .failure(APIError(.slowConsumer))
            }
        }
        let (text, summary) = try outcome.get()
        let reason = Self.finishReason(summary.finishReason)
        let body = kind == .chat
            ? ResponseBodies.chatCompletion(header, content: text, finishReason: reason, usage: Self.usage(summary), calls: Self.calls(summary))
            : ResponseBodies.completion(header, text: text, finishReason: reason, usage: Self.usage(summary), calls: Self.calls(summary))
        return Response(
            status: .ok, headers: [.contentType: "application/json", .requestID: requestID, .connection: "close"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Streams the generation as Server-Sent Events; the first chunk carries the role and the first
    /// text; a failure after the stream began is an error chunk, then `[DONE]`.
    func streaming(request: Request, requestID: String) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", .requestID: requestID, .connection: "close",
        ]
        return Response(status: .ok, headers: headers, body: .init { writer in
            try await withAbortOnCancel {
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    var stream = ChunkStream(header: header, kind: kind, includeUsage: includeUsage)
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(512)
                    for await event in handle.events {
                        bytes.removeAll(keepingCapacity: true)
                        stream.frames(for: event, into: &bytes)
                        if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                        if stream.ended { break }
                    }
                    try Task.checkCancellation()
                    if !stream.ended {
                        bytes.removeAll(keepingCapacity: true)
                        stream.frames(for: .failed(.slowConsumer), into: &bytes)
                        try await writer.write(ByteBuffer(bytes: bytes))
                    }
                }
            }
            try await writer.finish(nil)
        })
    }

    /// Runs `body`; if it throws (the client went away, a write failed), the request is aborted so
    /// its blocks return at once.
    private func withAbortOnCancel<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            engine.abort(handle.ticket)
            throw error
        }
    }
}

/// The SSE frames of one streamed response, event by event, written into one buffer per event.
struct ChunkStream {
    let header: ResponseHeader
    let kind: GenerationRoutes.Kind
    let includeUsage: Bool
    let template: StreamChunkTemplate
    private var sentRole = false
    private(set) var ended = false

    init(header: ResponseHeader, kind: GenerationRoutes.Kind, includeUsage: Bool) {
        self.header = header
        self.kind = kind
        self.includeUsage = includeUsage
        template = StreamChunkTemplate(header, chat: kind == .chat, includeUsageNull: includeUsage)
    }

    /// The bytes to write for `event` (empty: nothing to write).
    mutating func frames(for event: RequestEvent, into bytes: inout [UInt8]) {
        guard !ended else { return }
        switch event {
        case .token(_, let text):
            if !text.isEmpty { content(text, into: &bytes) }
        case .paused, .resumed:
            break
        case .finished(let summary, let rest):
            if !rest.isEmpty || (kind == .chat && !sentRole) { content(rest, into: &bytes) }
            let reason = ResponseWriter.finishReason(summary.finishReason)
            bytes += ServerSentEvents.event(kind == .chat
                ? ResponseBodies.chatChunk(header, role: false, content: nil, finishReason: reason, includeUsageNull: includeUsage)
                : ResponseBodies.completionChunk(header, text: "", finishReason: reason, includeUsageNull: includeUsage))
            if includeUsage {
                bytes += ServerSentEvents.event(ResponseBodies.usageChunk(
                    header, object: kind.chunkObject, usage: ResponseWriter.usage(summary), calls: ResponseWriter.calls(summary)))
            }
            bytes += ServerSentEvents.done
            ended = true
        case .failed(let error):
            ended = true
            bytes += ServerSentEvents.event(APIError(error).body)
            bytes += ServerSentEvents.done
        }
    }

    private mutating func content(_ text: String, into bytes: inout [UInt8]) {
        template.frame(text, role: kind == .chat && !sentRole, into: &bytes)
        sentRole = true
    }
}
