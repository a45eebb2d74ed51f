import AsyncHTTPClient
import Foundation
import NIOCore

/// A tool served by an HTTP endpoint: the arguments are POSTed as JSON to the configured URL (and
/// only to it — the model names a tool, never an address), within a timeout and a response-size
/// limit; a 2xx UTF-8 body is the result.
public struct HTTPTool: Tool {
    public let name: String
    public let description: String
    public let parametersSchema: String
    public let url: String
    public let timeout: Duration
    public let maxResponseBytes: Int
    let client: HTTPClient

    public init(
        name: String, description: String, parametersSchema: String, url: String, timeout: Duration = .seconds(10),
        maxResponseBytes: Int = 1 << 20, client: HTTPClient = .shared
    ) {
        self.name = name
        self.description = description
        self.parametersSchema = parametersSchema
        self.url = url
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.client = client
    }

    public func call(arguments: String) async throws(ToolError) -> String {
        guard (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) is [String: Any] else {
            throw .invalidArguments("expected a JSON object")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json, text/plain")
        request.body = .bytes(ByteBuffer(string: arguments))
        let prepared = request
        let limit = maxResponseBytes
        let deadline = timeout
        let client = client
        let outcome: Result<(UInt, [UInt8]), ToolError> = await withTaskGroup(of: Result<(UInt, [UInt8]), ToolError>?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(prepared, timeout: .seconds(Int64(deadline.components.seconds) + 1))
                    var body: [UInt8] = []
                    for try await chunk in response.body {
                        body += chunk.readableBytesView
                        if body.count > limit { return .failure(.failed("the response is larger than \(limit) bytes")) }
                    }
                    return .success((response.status.code, body))
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(.unavailable("\(error)"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return Task.isCancelled ? nil : .failure(.timedOut(deadline))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.timedOut(deadline))
        }
        let (status, body) = try outcome.get()
        guard (200..<300).contains(Int(status)) else {
            throw .failed("HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .failed("the response is not UTF-8 text (\(body.count) bytes)")
        }
        return text
    }
}
