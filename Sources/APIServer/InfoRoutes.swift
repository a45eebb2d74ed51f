import EngineRuntime
import Foundation
import HTTPTypes
import Hummingbird
import OpenAIProtocol
import ServingCore

/// `/v1/models`, `/health`, `/metrics`, `/version`, `/tokenize`, `/detokenize`.
struct InfoRoutes: Sendable {
    let engine: EngineService
    let model: ServedModel
    let metrics: ServerMetrics
    let configuration: APIServerConfiguration
    let generation: GenerationRoutes
    let startedAt = Int(Date().timeIntervalSince1970)

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func models(_ request: Request, context: some RequestContext) -> Response {
        Self.json(ResponseBodies.models(id: model.name, created: startedAt, maxModelLength: model.maxContextLength, root: model.root))
    }

    /// 200 when serving; 503 while loading, draining or stopped (load balancers take it out).
    func health(_ request: Request, context: some RequestContext) throws -> Response {
        let phase = engine.snapshot.phase
        guard phase == .ready else { throw APIError.unavailable("the engine is \(phase.rawValue)") }
        return Response(status: .ok)
    }

    func version(_ request: Request, context: some RequestContext) -> Response {
        var json = JSONWriter()
        json.object { json in
            json.field("version", AugServeVersion.string)
            json.field("policy", configuration.policyName)
            json.field("model", model.name)
        }
        return Self.json(json.bytes)
    }

    func metricsText(_ request: Request, context: some RequestContext) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.renderBytes(engine.snapshot))))
    }

    func tokenize(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBodyByteCount)
        let parsed: TokenizeRequest
        do { parsed = try WireError.decode(TokenizeRequest.self, from: Array(buffer.readableBytesView)) } catch { throw APIError(error) }
        try generation.checkModel(parsed.model)
        let tokens: [TokenID]
        if let messages = parsed.messages {
            tokens = try generation.renderChat(messages)
        } else {
            tokens = model.tokenizer.encode(parsed.prompt ?? "", parseSpecial: parsed.addSpecialTokens)
        }
        return Self.json(ResponseBodies.tokenized(tokens, maxModelLength: model.maxContextLength))
    }

    func detokenize(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBodyByteCount)
        let parsed: DetokenizeRequest
        do { parsed = try WireError.decode(DetokenizeRequest.self, from: Array(buffer.readableBytesView)) } catch { throw APIError(error) }
        try generation.checkModel(parsed.model)
        guard parsed.tokens.allSatisfy({ $0 >= 0 && $0 < model.vocabularySize }) else {
            throw APIError.badRequest("invalid 'tokens': ids must be in 0..<\(model.vocabularySize)", param: "tokens")
        }
        let text = (try? model.tokenizer.decode(parsed.tokens.map { TokenID($0) })) ?? ""
        return Self.json(ResponseBodies.detokenized(text))
    }
}
