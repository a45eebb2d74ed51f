import ArgumentParser
import Foundation
import ModelFiles
import Tokenization

/// `augserve tokenize`: prints the token ids of a text as a JSON array on one line.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text as a JSON array.",
        discussion: """
            The text comes from the argument, or, when no argument is given, from standard input \
            read verbatim to end of file (nothing is trimmed, so a trailing newline is tokenized). \
            No BOS token is added. Example: augserve tokenize --special '<|im_start|>user'
            """
    )

    @Argument(help: "The text to tokenize. Omit it to read the text from standard input, verbatim.")
    var text: String?

    @Flag(name: .long, help: "Turn special-token text such as <|im_start|> into the special token's id (otherwise it is tokenized as plain text).")
    var special = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The GGUF model file whose tokenizer to use (default: $AUGSERVE_MODEL_DIR/\(DefaultModel.fileName) if that variable is set, else ~/.cache/augserve/models/\(DefaultModel.fileName)).",
            valueName: "path"))
    var model: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = model.map { DefaultModel.expandingTilde($0, environment: environment) }
            ?? DefaultModel.path(environment: environment)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(file: try GGUFFile(path: path))
        } catch {
            Self.printError("cannot load the tokenizer: \(error); \(DefaultModel.installHint)")
            throw ExitCode.failure
        }
        let input = text ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let ids = tokenizer.encode(input, parseSpecial: special)
        print("[" + ids.map(String.init).joined(separator: ", ") + "]")
    }

    /// Prints a one-line error to standard error (the caller then exits with `ExitCode.failure`,
    /// so there is no usage text and no trace).
    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("augserve tokenize: error: \(message)\n".utf8))
    }
}
