import ArgumentParser

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with the CPU transformer."
    )

    func run() async throws {
        throw ValidationError("'generate' is being built in this change and is not available yet.")
    }
}
