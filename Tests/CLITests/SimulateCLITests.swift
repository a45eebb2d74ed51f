import Foundation
import Testing

/// `augserve simulate` end to end: bad input gives one line on stderr naming the file, field or
/// value, and a non-zero status; a good run writes the reports.
@Suite struct SimulateCLITests {
    static let validWorkload = """
        {"requests": {"a": {"type": "math", "segments": [{"prompt_tokens": 100, "completion_tokens": 20, "api_time": 0.001, "api_token_length": 5}, {"prompt_tokens": 125, "completion_tokens": 10}]},
                      "b": {"type": "chatbot", "segments": [{"prompt_tokens": 40, "completion_tokens": 30, "api_time": 2.0, "api_token_length": -2}, {"prompt_tokens": 70, "completion_tokens": 15}]}}}
        """

    private func expectOneLineError(_ arguments: [String], mentions needles: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = try CLIRunner.run(["simulate", "--quiet"] + arguments)
        #expect(output.status != 0, sourceLocation: sourceLocation)
        #expect(output.stderrLines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        let line = output.stderrLines.first.map(String.init) ?? ""
        #expect(line.hasPrefix("error: "), sourceLocation: sourceLocation)
        for needle in needles { #expect(line.contains(needle), "\(line)", sourceLocation: sourceLocation) }
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
    }

    @Test func rejectsMalformedAndTruncatedWorkloadFiles() throws {
        let garbage = try CLIRunner.temporaryFile("garbage.json", contents: "this is not json")
        try expectOneLineError(["--workload-file", garbage], mentions: [garbage, "not valid JSON"])
        let truncated = try CLIRunner.temporaryFile("truncated.json", contents: String(Self.validWorkload.prefix(120)))
        try expectOneLineError(["--workload-file", truncated], mentions: [truncated])
        let negative = try CLIRunner.temporaryFile(
            "negative.json", contents: #"{"requests": {"k1": {"type": "qa", "segments": [{"prompt_tokens": 10, "completion_tokens": -3}]}}}"#)
        try expectOneLineError(["--workload-file", negative], mentions: ["k1", "completion_tokens", "-3"])
        let empty = try CLIRunner.temporaryFile("empty.json", contents: #"{"requests": {}}"#)
        try expectOneLineError(["--workload-file", empty], mentions: ["no requests"])
        try expectOneLineError(["--workload-file", "/nonexistent/w.json"], mentions: ["/nonexistent/w.json"])
    }

    @Test func rejectsBadOptions() throws {
        try expectOneLineError(["--preset", "tpu-v9"], mentions: ["unknown preset 'tpu-v9'", "gptj-6b-a100"])
        try expectOneLineError(["--policy", "sjf"], mentions: ["unknown policy 'sjf'"])
        try expectOneLineError(["--policies", "vllm,nope"], mentions: ["unknown policy 'nope'"])
        try expectOneLineError(["--rate=-1"], mentions: ["invalid rate -1"])
        try expectOneLineError(["--rates", "1,0"], mentions: ["invalid rate 0"])
        try expectOneLineError(["--seeds", "0"], mentions: ["invalid --seeds 0"])
        try expectOneLineError(["--seeds", "101"], mentions: ["invalid --seeds 101"])
        try expectOneLineError(["--seed", "18446744073709551615", "--seeds", "2"], mentions: ["invalid --seeds 2", "past the largest seed"])
        try expectOneLineError(["--class-floor", "1.5"], mentions: ["invalid --class-floor 1.5"])
        try expectOneLineError(["--class-floor", "0"], mentions: ["invalid --class-floor 0"])
        try expectOneLineError(["--rates", "fast"], mentions: ["--rates", "fast"])
        try expectOneLineError(["--duration", "0"], mentions: ["--duration", "'0'"])
        try expectOneLineError(["--duration", "soon"], mentions: ["--duration", "soon"])
        try expectOneLineError(["--arrivals", "gamma", "--cv", "0"], mentions: ["cv", "0"])
        try expectOneLineError(["--block-size", "0"], mentions: ["blockSize", "0"])
        try expectOneLineError(["--rate", "abc"], mentions: ["abc"])
        let hardware = try CLIRunner.temporaryFile("hw.json", contents: #"{"name": "x"}"#)
        try expectOneLineError(["--hardware", hardware], mentions: [hardware, "missing field"])
    }

    @Test func writesReportsForAGoodRun() throws {
        let workload = try CLIRunner.temporaryFile("w.json", contents: Self.validWorkload)
        let directory = URL(fileURLWithPath: workload).deletingLastPathComponent()
        let csv = directory.appendingPathComponent("out.csv").path, json = directory.appendingPathComponent("out.json").path
        let output = try CLIRunner.run([
            "simulate", "--quiet", "--workload-file", workload, "--policies", "vllm,infercept", "--rates", "0.5,1",
            "--duration", "2m", "--csv", csv, "--json", json,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("| vllm | 0.5 |") && output.stdout.contains("| infercept | 1 |"))
        let header = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix(
            "policy,preset,workload,rate,seed,window_s,arrived,completed,good,goodput_rps,completed_rps,attainment,ttft_mean_s,"
                + "ttft_p50_s,ttft_p95_s,ttft_p99_s,normlat_mean_s,normlat_p50_s,normlat_p95_s,queue_mean_s,preemptions,recomputed_tokens,swapped_bytes"))
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((object?["runs"] as? [Any])?.count == 4)
        #expect(object?["configuration"] != nil)
    }

    @Test func helpExplainsTheOptions() throws {
        let output = try CLIRunner.run(["simulate", "--help"])
        #expect(output.status == 0)
        for option in ["--policy", "--policies", "--rate", "--rates", "--preset", "--duration", "--seed", "--csv", "--json"] {
            #expect(output.stdout.contains(option))
        }
    }

    /// `--list-presets` shows each preset's own swap budget in tokens per iteration.
    @Test func listPresetsShowsEachPresetsSwapBudget() throws {
        let output = try CLIRunner.run(["simulate", "--list-presets"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("swap budget (tokens/iteration)"))
        let row = { (name: String) in output.stdout.split(separator: "\n").first { $0.hasPrefix("| \(name) |") }.map(String.init) ?? "" }
        #expect(row("gptj-6b-a100").hasSuffix("| 605 (published, b = 109.0) |"), "\(row("gptj-6b-a100"))")
        #expect(row("gptj-6b-rtx4090").contains("| 149"), "\(row("gptj-6b-rtx4090"))")
    }
}
