import ArgumentParser

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the scheduling core on a virtual clock against a GPU cost model."
    )

    func run() async throws {
        throw ValidationError("'simulate' is being built in this change and is not available yet.")
    }
}
