import Foundation
import Testing

/// `augserve serve` as a user runs it: bad options are one-line errors; with the model installed,
/// it prints where it listens, serves, and on SIGTERM drains in-flight requests and exits 0.
@Suite(.serialized) struct ServeCLITests {
    @Test("bad serve options are one-line errors", arguments: [
        (["--port", "70000"], "port"),
        (["--policy", "fifo"], "policy"),
        (["--kv-cache-memory", "lots"], "--kv-cache-memory"),
        (["--predictor", "oracle"], "oracle"),
        (["--threads", "0"], "threads"),
        (["--max-model-len", "100000"], "max-model-len"),
        (["--block-size", "7"], "block-size"),
        (["--drain-timeout", "soon"], "--drain-timeout"),
        (["--log-level", "loud"], "--log-level"),
        (["--model", "/nonexistent/model.gguf"], "scripts/setup.sh"),
    ])
    func badOptions(_ extra: [String], _ mention: String) throws {
        let output = try CLIRunner.run(["serve", "--port", "0"] + extra)
        #expect(output.status != 0)
        #expect(output.stderrLines.filter { $0.hasPrefix("error:") }.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(mention), "\(output.stderr)")
    }

    @Test(.enabled(if: ModelCLITests.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
    func servesThenDrainsOnSIGTERM() async throws {
        let server = try ServerProcess.start(["serve", "--port", "0", "--kv-cache-tokens", "4096", "--max-model-len", "2048", "--drain-timeout", "120s"])
        defer { server.kill() }
        let port = try #require(server.port)
        // A request in flight when SIGTERM arrives still completes. (It is in flight once the
        // engine runs it: on a loaded machine a fixed delay may pass before it even arrives.)
        let inFlight = Task { try HTTP.post(port: port, path: "/v1/completions", body: #"{"prompt":"Once upon a time","max_tokens":100,"ignore_eos":true,"temperature":0}"#) }
        let deadline = ContinuousClock.now + .seconds(60)
        while try (HTTP.gauge(port: port, "vllm:num_requests_running") ?? 0) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        server.terminate()
        let reply = try await inFlight.value
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.body.contains("\"finish_reason\":\"length\""))
        let status = server.waitForExit()
        #expect(status == 0, "exit status \(status); stderr: \(server.stderrText)")
        #expect(server.stderrText.contains("stopped"))
    }
}

/// `augserve serve` in the background, with its stdout read for the `listening on` line.
final class ServerProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` and the pipes are used from the test's task only.
    let process = Process()
    let stdout = Pipe(), stderr = Pipe()
    private(set) var port: Int?

    static func start(_ arguments: [String]) throws -> ServerProcess {
        let server = ServerProcess()
        server.process.executableURL = CLIRunner.binary
        server.process.arguments = arguments
        server.process.standardOutput = server.stdout
        server.process.standardError = server.stderr
        try server.process.run()
        var text = ""
        let handle = server.stdout.fileHandleForReading
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, server.process.isRunning {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                server.port = Int(text[range].split(separator: ":").last ?? "")
                break
            }
        }
        return server
    }

    func terminate() { process.terminate() }
    func kill() { if process.isRunning { process.interrupt() } }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stderrText: String { String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
}

/// Minimal blocking HTTP/1.1 POST over a socket (the CLI tests have no HTTP client dependency).
enum HTTP {
    struct Reply { var status: Int; var body: String }

    static func post(port: Int, path: String, body: String) throws -> Reply { try exchange(port: port, method: "POST", path: path, body: body) }

    static func get(port: Int, path: String) throws -> Reply { try exchange(port: port, method: "GET", path: path, body: "") }

    /// The value of an unlabelled-or-labelled Prometheus gauge in `/metrics`, or nil.
    static func gauge(port: Int, _ name: String) throws -> Double? {
        let text = try get(port: port, path: "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    static func exchange(port: Int, method: String, path: String, body: String) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer.prefix(count)
        }
        let text = String(decoding: received, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return Reply(status: status, body: body)
    }
}
