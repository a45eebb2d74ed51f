import Foundation
import Testing
@testable import Tools

/// The `augserve-test-mcp` server built next to the test bundle, and configurations that use it.
enum MCPFixture {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("augserve-test-mcp").path
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    static let missing: Comment = "augserve-test-mcp is not built next to the tests: run `swift build --product augserve-test-mcp` first"

    /// An `mcp` entry for the fixture; `extra` is more JSON fields (`"prefix":"b_"`). The child is
    /// launched with `--tag TAG` (the calling test's name; the fixture ignores it) so that
    /// `children(tag:)` sees only this test's processes while other tests run in parallel.
    static func entry(
        name: String = "files", arguments: [String] = [], timeout: Double = 30, extra: String = "", tag: String = #function
    ) -> String {
        let command = ([binary] + arguments + ["--tag", tag]).map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"type":"mcp","name":"\#(name)","command":[\#(command)],"timeout_s":\#(timeout),"reconnect_delay_s":1\#(extra.isEmpty ? "" : "," + extra)}"#
    }

    /// Calls until the call succeeds (a reconnection waits out its backoff), for at most `limit`.
    static func eventually(_ limit: Duration = .seconds(15), _ call: () async throws(ToolError) -> String) async throws -> String {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await call()
            } catch {
                guard case .unavailable = error, ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    static func configuration(_ entries: String...) -> Data { configuration(entries) }

    static func configuration(_ entries: [String]) -> Data {
        Data(#"{"tools":[\#(entries.joined(separator: ","))]}"#.utf8)
    }

    /// Whether a process with this pid exists (a zombie would still count: the child must be reaped).
    static func exists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// The live fixture processes launched with `--tag TAG` that are children of this test process.
    static func children(tag: String = #function) -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { return nil }
            // "pid (comm) state ppid …": the name is cut to 15 characters and may contain spaces.
            guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let name = stat[stat.index(after: open)..<close]
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard rest.count > 1, Int32(rest[1]) == me, "augserve-test-mcp".hasPrefix(name) else { return nil }
            // A zombie's command line is empty, so its tag is unknown: it is not counted here (a
            // parallel test's child may be between its exit and its reaping); `exists(pid)` catches
            // unreaped children of known pid.
            let arguments = ((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline"))) ?? Data())
                .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard zip(arguments, arguments.dropFirst()).contains(where: { $0 == "--tag" && $1 == tag }) else { return nil }
            return pid
        }
    }
}
