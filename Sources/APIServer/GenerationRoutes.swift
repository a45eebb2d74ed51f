import EngineRuntime
import Foundation
import HTTPTypes
import Hummingbird
import OpenAIProtocol
import ServingCore
import Tokenization
import Tools

/// `POST /v1/chat/completions` and `POST /v1/completions`.
struct GenerationRoutes: Sendable {
    let engine: EngineService
    let model: ServedModel
    let configuration: APIServerConfiguration
    let registry: ToolRegistry
    let cache: GenerationCache

    var renderer: ConversationRenderer { ConversationRenderer(model: model, cache: cache) }

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
        let offered = try offeredTools(parsed.toolFields)
        let constraint = try constraint(parsed.toolFields, offered: offered)
        let prompt = try renderer.tokens(parsed.messages, tools: offered)
        var generation = try GenerationRequest(
            fields: parsed.fields, prompt: prompt, model: model, objectives: try objectives(request))
        var tools: ToolHandling?
        if !offered.isEmpty, parsed.toolFields.choice != .none {
            tools = ToolHandling(
                serverTools: Set(offered.filter(\.serverSide).map(\.name)), maxServerRounds: registry.maxRounds,
                parallelCalls: parsed.toolFields.parallelCalls, keepsSessions: keepsSessions,
                stopTokenIDs: generation.spec.sampling.ignoreEOS ? [] : Set(generation.spec.sampling.stopTokenIDs))
            generation.spec.sampling.ignoreEOS = true  // the processor stops, or suspends after calls
        }
        // Any conversation may continue a session left by a response that ended in tool calls.
        let session = keepsSessions
            ? SessionHint(key: request.headers[.sessionID] ?? parsed.fields.promptCacheKey ?? parsed.fields.user) : nil
        return try await run(generation, kind: .chat, request: request, tools: tools, session: session, constraint: constraint)
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

    /// The conversation in the model's chat template, tokenized with its special tokens (no tools).
    func renderChat(_ messages: [ChatCompletionRequest.Message]) throws -> [TokenID] {
        try renderer.tokens(messages, tools: [])
    }

    /// The tools this request describes to the model: its own (client-side), and those the server
    /// runs — a request names a configured tool (its schema may be left out) to let the model call it.
    func offeredTools(_ fields: ToolFields) throws -> [OfferedTool] {
        if case .function(let name) = fields.choice, !fields.tools.contains(where: { $0.name == name }) {
            throw APIError.badRequest("'tool_choice' names '\(name.prefix(64))', which is not in 'tools'", param: "tool_choice")
        }
        // Rendered even with `tool_choice: none` (then calls are not parsed): a conversation's
        // prompt must not change shape between turns, or no follow-up could extend it.
        var offered: [OfferedTool] = []
        for (index, tool) in fields.tools.enumerated() {
            guard ToolRegistry.isValidName(tool.name) else {
                throw APIError.badRequest("invalid 'tools[\(index)].function.name' '\(tool.name.prefix(64))': 1...64 letters, digits, '_' or '-'", param: "tools")
            }
            let server = registry[tool.name]
            guard let schema = tool.parameters?.text ?? server?.parametersSchema else {
                throw APIError.badRequest("'tools[\(index)].function.parameters' is required for '\(tool.name)'", param: "tools")
            }
            offered.append(OfferedTool(
                name: tool.name, description: tool.description ?? server?.description ?? "", parameters: schema, serverSide: server != nil))
        }
        return offered
    }

    /// Policies that hold a context through a call keep client-side tool round trips as sessions;
    /// vLLM's finish the request (vllm-apc's prefix cache may still hold its blocks).
    var keepsSessions: Bool { configuration.policyName == "augserve" || configuration.policyName == "infercept" }

    /// `tool_choice: required` or a named function is enforced by constrained decoding (a call to
    /// one of the allowed tools, its arguments valid against the schema); else `response_format`.
    func constraint(_ fields: ToolFields, offered: [OfferedTool]) throws(APIError) -> OutputConstraint? {
        switch fields.choice {
        case .required:
            guard !offered.isEmpty else { throw .badRequest("'tool_choice' is required but 'tools' is empty", param: "tool_choice") }
            if fields.responseFormat != .text { throw .badRequest("'response_format' cannot be combined with a required tool call", param: "response_format") }
            return try .toolCall(offered)
        case .function(let name):
            if fields.responseFormat != .text { throw .badRequest("'response_format' cannot be combined with a required tool call", param: "response_format") }
            return try .toolCall(offered.filter { $0.name == name })
        case .none, .auto:
            return try .response(fields.responseFormat)
        }
    }

    private func run(
        _ generation: GenerationRequest, kind: Kind, request: Request, tools: ToolHandling? = nil, session: SessionHint? = nil,
        constraint: OutputConstraint? = nil
    ) async throws -> Response {
        let handle: RequestHandle
        do {
            handle = try engine.submit(
                generation.spec,
                processor: TextProcessorFactory(model: model, stops: generation.stops, tools: tools, constraint: constraint),
                session: session)
        } catch { throw APIError(error) }
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let header = ResponseHeader(id: kind.idPrefix + requestID, created: Int(Date().timeIntervalSince1970), model: model.name)
        let responder = ResponseWriter(
            engine: engine, handle: handle, header: header, kind: kind, includeUsage: generation.includeUsage, model: model,
            registry: registry, cache: cache)
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
    let model: ServedModel
    let registry: ToolRegistry
    let cache: GenerationCache

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

    private func makeAssembly() -> ResponseAssembly {
        ResponseAssembly(engine: engine, ticket: handle.ticket, model: model, registry: registry)
    }

    /// Waits for the whole generation; a client that disconnects meanwhile aborts it.
    func whole(request: Request, requestID: String) async throws -> Response {
        let outcome = try await withAbortOnCancel {
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                var assembly = makeAssembly()
                for await event in handle.events {
                    switch event {
                    case .finished(let summary, let rest), .suspended(let summary, let rest):
                        assembly.append(rest)
                        return Result<(ResponseAssembly, RequestSummary), APIError>.success((assembly, summary))
                    case .failed(let error):
                        return .failure(APIError(error))
                    default:
                        do throws(APIError) { _ = try await assembly.absorb(event) } catch { return .failure(error) }
                    }
                }
                try Task.checkCancellation()
                return .failure(APIError(.slowConsumer))
            }
        }
        let (assembly, summary) = try outcome.get()
        assembly.remember(in: cache, finishReason: summary.finishReason)
        let reason = assembly.finishReason(summary)
        let body = kind == .chat
            ? ResponseBodies.chatCompletion(
                header, content: assembly.content, toolCalls: assembly.clientCalls, serverCalls: assembly.serverCalls,
                finishReason: reason, usage: Self.usage(summary), calls: Self.calls(summary))
            : ResponseBodies.completion(header, text: assembly.content, finishReason: reason, usage: Self.usage(summary), calls: Self.calls(summary))
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
                    var assembly = makeAssembly()
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(512)
                    for await event in handle.events {
                        bytes.removeAll(keepingCapacity: true)
                        switch event {
                        case .finished(let summary, let rest), .suspended(let summary, let rest):
                            assembly.append(rest)
                            assembly.remember(in: cache, finishReason: summary.finishReason)
                            stream.finish(summary, rest: rest, reason: assembly.finishReason(summary), into: &bytes)
                        case .failed(let error):
                            stream.fail(APIError(error), into: &bytes)
                        default:
                            do throws(APIError) {
                                stream.write(try await assembly.absorb(event), into: &bytes)
                            } catch {
                                stream.fail(error, into: &bytes)
                            }
                        }
                        if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                        if stream.ended { break }
                    }
                    try Task.checkCancellation()
                    if !stream.ended {
                        bytes.removeAll(keepingCapacity: true)
                        stream.fail(APIError(.slowConsumer), into: &bytes)
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

/// The SSE frames of one streamed response, written into one buffer per event.
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

    mutating func write(_ delta: ResponseAssembly.Delta, into bytes: inout [UInt8]) {
        guard !ended else { return }
        switch delta {
        case .none: break
        case .text(let text): content(text, into: &bytes)
        case .clientCall(let call, let index):
            guard kind == .chat else { return }
            for chunk in ResponseBodies.toolCallChunks(header, call: call, index: index, role: !sentRole, includeUsageNull: includeUsage) {
                bytes += ServerSentEvents.event(chunk)
            }
            sentRole = true
        case .serverResult(let result):
            guard kind == .chat else { return }
            bytes += ServerSentEvents.event(ResponseBodies.serverToolChunk(header, call: result, includeUsageNull: includeUsage))
        }
    }

    mutating func finish(_ summary: RequestSummary, rest: String, reason: String, into bytes: inout [UInt8]) {
        guard !ended else { return }
        if !rest.isEmpty || (kind == .chat && !sentRole) { content(rest, into: &bytes) }
        bytes += ServerSentEvents.event(kind == .chat
            ? ResponseBodies.chatChunk(header, role: false, content: nil, finishReason: reason, includeUsageNull: includeUsage)
            : ResponseBodies.completionChunk(header, text: "", finishReason: reason, includeUsageNull: includeUsage))
        if includeUsage {
            bytes += ServerSentEvents.event(ResponseBodies.usageChunk(
                header, object: kind.chunkObject, usage: ResponseWriter.usage(summary), calls: ResponseWriter.calls(summary)))
        }
        bytes += ServerSentEvents.done
        ended = true
    }

    mutating func fail(_ error: APIError, into bytes: inout [UInt8]) {
        guard !ended else { return }
        ended = true
        bytes += ServerSentEvents.event(error.body)
        bytes += ServerSentEvents.done
    }

    private mutating func content(_ text: String, into bytes: inout [UInt8]) {
        template.frame(text, role: kind == .chat && !sentRole, into: &bytes)
        sentRole = true
    }
}
