import ArgumentParser

/// The `augserve` command-line tool. Each subcommand lives in its own file.
@main
struct AugServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augserve",
        abstract: "AugServe: an inference server and simulator for augmented LLM requests.",
        subcommands: [
            SimulateCommand.self,
            BenchSchedulerCommand.self,
            TokenizeCommand.self,
            GenerateCommand.self,
            BenchModelCommand.self,
        ]
    )
}
