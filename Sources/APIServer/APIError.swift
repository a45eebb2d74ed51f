import EngineRuntime
import HTTPTypes
import Hummingbird
import NIOHTTP1
import OpenAIProtocol
import ServingCore

/// An error answered in OpenAI's envelope `{"error": {"message", "type", "param", "code"}}`.
struct APIError: Error, Sendable, CustomStringConvertible {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var param: String?
    /// Seconds a client should wait before retrying (503).
    var retryAfter: Int?

    var description: String { message }

    static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "BadRequestError", param: param)
    }

    static func notFound(_ message: String, param: String? = nil) -> APIError {
        APIError(status: .notFound, message: message, type: "NotFoundError", param: param)
    }

    static func unavailable(_ message: String, retryAfter: Int = 1) -> APIError {
        APIError(status: .serviceUnavailable, message: message, type: "ServiceUnavailableError", retryAfter: retryAfter)
    }

    static let unauthorized = APIError(
        status: .unauthorized, message: "invalid or missing API key (send 'Authorization: Bearer <key>')",
        type: "AuthenticationError")

    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "InternalServerError")
    }

    init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.retryAfter = retryAfter
    }

    init(_ wire: WireError) { self = .badRequest(wire.message, param: wire.param) }

    /// How a runtime failure is answered.
    init(_ runtime: RuntimeError) {
        switch runtime {
        case .rejected(let engine):
            switch engine {
            case .promptTooLong: self = .badRequest(engine.description, param: "messages")
            default: self = .badRequest(engine.description)
            }
        case .queueFull, .unavailable: self = .unavailable(runtime.description)
        case .executorFailed, .callFailed: self = .internalError(runtime.description)
        case .slowConsumer: self = APIError(status: .requestTimeout, message: runtime.description, type: "TimeoutError")
        }
    }

    var body: [UInt8] { ResponseBodies.error(message: message, type: type, param: param, code: Int(status.code)) }

    func response(requestID: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let requestID { headers[.requestID] = requestID }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-request-id")!
    static let sloTTFT = HTTPField.Name("x-slo-ttft-ms")!
    static let sloTPOT = HTTPField.Name("x-slo-tpot-ms")!
    static let sessionID = HTTPField.Name("x-session-id")!
}

/// Turns every error a handler throws — ours, Hummingbird's (404, 413) and unexpected ones — into
/// the JSON envelope, and echoes `X-Request-Id`. Registered before the routes, so it wraps them all.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = request.headers[.requestID]
        do {
            var response = try await next(request, context)
            if let requestID, response.headers[.requestID] == nil { response.headers[.requestID] = requestID }
            return response
        } catch let error as APIError {
            return error.response(requestID: requestID)
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound
                ? "no route for \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            return APIError(status: error.status, message: message, type: Self.type(of: error.status)).response(requestID: requestID)
        } catch let error as any HTTPResponseError {
            let message = error.status == .contentTooLarge ? "the request body is larger than the server accepts" : "\(error)"
            return APIError(status: error.status, message: message, type: Self.type(of: error.status)).response(requestID: requestID)
        } catch let error as HTTPParserError {
            // A malformed body framing (chunk sizes, lengths) found while reading the body.
            return APIError.badRequest("the request is not valid HTTP: \(error)").response(requestID: requestID)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return APIError.internalError("internal error: \(error)").response(requestID: requestID)
        }
    }

    static func type(of status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "NotFoundError"
        case .contentTooLarge: "RequestTooLargeError"
        case .badRequest: "BadRequestError"
        case .unauthorized: "AuthenticationError"
        default: status.code >= 500 ? "InternalServerError" : "BadRequestError"
        }
    }
}

/// `--api-key`: requests must carry `Authorization: Bearer <key>`, compared in constant time.
/// `/health`, `/metrics` and `/version` stay open (probes and scrapers have no key).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]
    static var openPaths: Set<String> { ["/health", "/metrics", "/version"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), key)
        else { throw APIError.unauthorized }
        return try await next(request, context)
    }

    /// Compares every byte whatever the first difference, so timing reveals nothing but the length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
