import ArgumentParser
import Foundation

/// The `augserve` command-line tool. Each subcommand lives in its own file.
struct AugServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augserve",
        abstract: "AugServe: an inference server and simulator for augmented LLM requests.",
        subcommands: [
            SimulateCommand.self,
            BenchSchedulerCommand.self,
            TokenizeCommand.self,
            ServeCommand.self,
            GenerateCommand.self,
            BenchModelCommand.self,
            BenchServerCommand.self,
            BenchAgentsCommand.self,
            BenchStructuredCommand.self,
            BenchCommand.self,
            ProfileCommand.self,
        ]
    )
}

/// Entry point: every failure becomes one line on stderr and a non-zero exit status — no usage
/// dump, no stack trace. `--help` output goes to stdout as usual.
@main
enum AugServeMain {
    static func main() async {
        do {
            var command = try AugServeCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = AugServeCommand.exitCode(for: error)
            if code == .success {
                print(AugServeCommand.fullMessage(for: error))
                exit(0)
            }
            let message = AugServeCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? ""
            if !message.isEmpty {
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            }
            exit(code.rawValue)
        }
    }
}
