import ArgumentParser

struct BenchSchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scheduler",
        abstract: "Time the scheduler and the simulator (release build)."
    )

    func run() async throws {
        throw ValidationError("'bench-scheduler' is being built in this change and is not available yet.")
    }
}
