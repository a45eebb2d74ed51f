import ArgumentParser

struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text as a JSON array."
    )

    func run() async throws {
        throw ValidationError("'tokenize' is being built in this change and is not available yet.")
    }
}
