import Foundation
import Testing

/// `generate` and `tokenize` through the built binary: bad input gives one line and a non-zero
/// status; with the default model installed, the real answers.
@Suite struct ModelCLITests {
    static let modelInstalled: Bool = {
        let directory = ProcessInfo.processInfo.environment["AUGSERVE_MODEL_DIR"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/augserve/models").path
        return FileManager.default.fileExists(atPath: directory + "/SmolLM2-135M-Instruct.Q4_1.gguf")
    }()

    @Test("bad generate options are one-line errors", arguments: [
        (["--max-tokens", "0"], "--max-tokens 0"),
        (["--temperature=-1"], "temperature -1.0"),
        (["--threads", "0"], "--threads 0"),
        (["--model", "/nonexistent/model.gguf"], "scripts/setup.sh"),
    ])
    func badGenerateOptions(_ extra: [String], _ expected: String) throws {
        let output = try CLIRunner.run(["generate", "--prompt", "hi"] + extra)
        #expect(output.status != 0)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.contains(expected), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
    func chatAnswerAndStopString() throws {
        let question = ["generate", "--chat", "--prompt", "What is the capital of France?"]
        let full = try CLIRunner.run(question)
        #expect(full.status == 0)
        #expect(full.stdout == "The capital of France is Paris.\n")
        let stopped = try CLIRunner.run(question + ["--stop", " is", "--stop", "Paris"])
        #expect(stopped.stdout == "The capital of France\n")
    }

    @Test(.enabled(if: modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
    func tokenizeFromStdin() throws {
        let special = try CLIRunner.run(["tokenize", "--special"], stdin: "<|im_start|>hi")
        #expect(special.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[1, 6004]")
        let plain = try CLIRunner.run(["tokenize"], stdin: "<|im_start|>hi")
        #expect(plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "[1, 6004]")
    }
}
