import ArgumentParser

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-model",
        abstract: "Measure the CPU transformer's prefill and decode speed."
    )

    func run() async throws {
        throw ValidationError("'bench-model' is being built in this change and is not available yet.")
    }
}
