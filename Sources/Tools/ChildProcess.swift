import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child process ended.
enum ChildExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signalled(let signal): "was killed by signal \(signal)"
        }
    }
}

/// Why a command could not be started.
struct LaunchFailure: Error, CustomStringConvertible {
    let description: String
}

/// A server process started with pipes on its standard input and output. Its standard error is
/// ours, so its logs land next to the server's. Foundation's `Process` reaps the child (`waitpid`)
/// before it reports the exit, so once `exit` is known the pid no longer exists; Foundation also
/// closes every other descriptor in the child, so children never hold each other's pipes open.
final class ChildProcess: Sendable {
    let pid: Int32
    /// The command as configured, for messages.
    let commandLine: String
    /// Our end of the child's standard input (we write) and standard output (we read).
    let input: FileHandle
    let output: FileHandle
    private let process: Process
    private let watch: ExitWatch
    private let closed = Mutex((input: false, output: false))

    private init(pid: Int32, commandLine: String, input: FileHandle, output: FileHandle, process: Process, watch: ExitWatch) {
        self.pid = pid
        self.commandLine = commandLine
        self.input = input
        self.output = output
        self.process = process
        self.watch = watch
    }

    /// Writing to a pipe whose reader died raises SIGPIPE, which would kill the whole server when
    /// an MCP server crashes; ignored, the write fails with EPIPE instead. (The children inherit
    /// the disposition, which only turns their own broken-pipe deaths into write errors.)
    private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `command` (`[program, arguments…]`; a program without a `/` is looked up in `PATH`).
    /// `onExit` is called once, from some thread, after the child has exited and been reaped.
    static func launch(_ command: [String], onExit: @escaping @Sendable (ChildExit) -> Void) throws(LaunchFailure) -> ChildProcess {
        Self.brokenPipesIgnored
        guard let program = command.first, !program.isEmpty else { throw LaunchFailure(description: "the command is empty") }
        let commandLine = command.joined(separator: " ")
        let executable = try resolve(program)
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(command.dropFirst())
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let watch = ExitWatch(observer: onExit)
        process.terminationHandler = { finished in
            watch.finish(finished.terminationReason == .uncaughtSignal ? .signalled(finished.terminationStatus) : .exited(finished.terminationStatus))
        }
        do {
            try process.run()
        } catch {
            throw LaunchFailure(description: "cannot start '\(commandLine)': \(error.localizedDescription)")
        }
        return ChildProcess(
            pid: process.processIdentifier, commandLine: commandLine, input: input.fileHandleForWriting,
            output: output.fileHandleForReading, process: process, watch: watch)
    }

    static func resolve(_ program: String) throws(LaunchFailure) -> URL {
        let manager = FileManager.default
        if program.contains("/") {
            guard manager.isExecutableFile(atPath: program) else {
                throw LaunchFailure(description: "'\(program)' does not exist or is not executable")
            }
            return URL(fileURLWithPath: program)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if manager.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw LaunchFailure(description: "'\(program)' is not an executable found in PATH")
    }

    /// How the child ended, or nil while it runs.
    var exit: ChildExit? { watch.exit }

    /// Waits until the child has exited and been reaped.
    func exited() async -> ChildExit { await watch.wait() }

    /// The exit, if it comes within `limit`.
    func exit(within limit: Duration) async -> ChildExit? {
        if let exit = watch.exit { return exit }
        let watch = watch
        if case .value(let exit) = await withDeadline(limit, { await watch.wait() }) { return exit }
        return nil
    }

    /// Stops the child the way the MCP specification suggests: end of input first (a well-behaved
    /// server exits on it), then SIGTERM, then SIGKILL, `grace` apart; returns once it is reaped.
    /// `closingInput` is false while a write may still be using the input descriptor.
    func stop(grace: Duration, closingInput: Bool) async -> ChildExit {
        if let exit = watch.exit { return exit }
        if closingInput { closeInput() }
        if let exit = await exit(within: grace) { return exit }
        deliver(SIGTERM)
        if let exit = await exit(within: grace) { return exit }
        deliver(SIGKILL)
        return await exited()
    }

    /// Sends `number` unless the child is known to be gone (its pid may already be reused).
    func deliver(_ number: Int32) {
        if watch.exit == nil { _ = kill(pid, number) }
    }

    func closeInput() {
        let close = closed.withLock { state in
            defer { state.input = true }
            return !state.input
        }
        if close { try? input.close() }
    }

    /// Closes both of our descriptors; only once nothing reads or writes them any more, since a
    /// closed descriptor number can be reused by an unrelated file.
    func releaseDescriptors() {
        closeInput()
        let close = closed.withLock { state in
            defer { state.output = true }
            return !state.output
        }
        if close { try? output.close() }
    }
}
