import Foundation
import Testing

/// `profile` writes a hardware file the simulator reads back as the fitted costs; `bench` refuses
/// bad options with one line.
@Suite struct ProfileAndBenchCLITests {
    @Test(.enabled(if: ModelCLITests.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
    func profileWritesAPresetTheSimulatorReads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("augserve-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let preset = directory.appendingPathComponent("cpu.json").path
        let profile = try CLIRunner.run(["profile", "--repetitions", "1", "--kv-cache-tokens", "2048", "--out", preset])
        #expect(profile.status == 0, "\(profile.stderr)")
        // "fit: c = 3.123 ms, a = 0.1234 ms/token, k = 0.456 µs/context token, …"
        let line = try #require(profile.stdout.split(separator: "\n").first { $0.hasPrefix("fit: ") }.map(String.init))
        func number(after label: String) -> Double? {
            guard let range = line.range(of: label) else { return nil }
            return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" })
        }
        let c = try #require(number(after: "c = ")), a = try #require(number(after: "a = ")), k = try #require(number(after: "k = "))
        let w = try #require(number(after: "w = "))
        #expect(c > 0 && a > 0 && w >= 0)
        #expect(profile.stderr.contains("kernels: quantized vector kernels up to"), "\(profile.stderr)")
        #expect(profile.stdout.contains("| prefill 512 |") && profile.stdout.contains("| decode 32 × ctx 1024 |"))
        let json = directory.appendingPathComponent("run.json").path
        let workload = try CLIRunner.temporaryFile("w.json", contents: SimulateCLITests.validWorkload)
        let simulate = try CLIRunner.run(["simulate", "--quiet", "--hardware", preset, "--workload-file", workload, "--policy", "vllm", "--duration", "1m", "--json", json])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let cost = try #require((report?["configuration"] as? [String: Any])?["cost_model"] as? [String: Any])
        // The printed fit has 3–4 decimals; the preset reproduces it.
        #expect(abs((cost["c_ms"] as? Double ?? 0) - c) <= 0.001 + 1e-9, "\(cost)")
        #expect(abs((cost["a_ms_per_token"] as? Double ?? 0) - a) <= 0.0001 + 1e-9, "\(cost)")
        #expect(abs((cost["k_us_per_context_token"] as? Double ?? 0) - k) <= 0.001 + 1e-9, "\(cost)")
        #expect(abs((cost["w_ms_per_sampled_sequence"] as? Double ?? -1) - w) <= 0.001 + 1e-9, "\(cost)")
        #expect(cost["kv_capacity_tokens"] as? Int == 2048, "\(cost)")
    }

    @Test("bad bench options are one-line errors", arguments: [
        (["--compare", "--url", "http://127.0.0.1:1"], "leave out --url"),
        ([], "--url"),
        (["--url", "ftp://x"], "--url"),
        (["--url", "http://127.0.0.1:1", "--target", "vllm"], "--target"),
        (["--url", "http://127.0.0.1:1", "--workload", "mystery"], "--workload"),
        (["--url", "http://127.0.0.1:1", "--rates", "0:1:1e-300"], "--rates"),
        (["--url", "http://127.0.0.1:1", "--rate", "-2"], "rate"),
        (["--url", "http://127.0.0.1:1", "--concurrency", "0"], "--concurrency"),
        (["--url", "http://127.0.0.1:1", "--duration", "soon"], "--duration"),
        (["--url", "http://127.0.0.1:1", "--token-scale", "0"], "--token-scale"),
        (["--url", "http://127.0.0.1:1", "--goodput", "speed:3"], "--goodput"),
        (["--url", "http://127.0.0.1:1", "--slo-ttft", "-1s"], "--slo-ttft"),
        (["--url", "http://127.0.0.1:1", "--quick"], "--quick"),
        (["--url", "a=http://127.0.0.1:1,a=http://127.0.0.1:2"], "given twice"),
        (["--url", "http://127.0.0.1:1,http://127.0.0.1:2"], "need a label"),
        (["--url", "http://127.0.0.1:1", "--target", "augserve,generic"], "one per --url server"),
        (["--compare", "--target", "augserve,generic"], "--target"),
        (["--url", "http://127.0.0.1:1", "--fidelity", "x.json"], "--fidelity goes with --compare"),
        (["--compare", "--fidelity", "/nonexistent/cpu.json"], "/nonexistent/cpu.json"),
        (["--url", "http://127.0.0.1:1", "--duration", "1s"], "cannot reach"),
    ])
    func badBenchOptions(_ arguments: [String], _ mention: String) throws {
        let output = try CLIRunner.run(["bench"] + arguments)
        #expect(output.status != 0)
        #expect(output.stderrLines.filter { $0.hasPrefix("error:") }.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(mention), "\(output.stderr)")
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test func badProfileOptions() throws {
        for (arguments, mention) in [(["--repetitions", "0"], "--repetitions"), (["--kv-cache-tokens", "10"], "--kv-cache-tokens"), (["--threads", "999"], "--threads")] {
            let output = try CLIRunner.run(["profile"] + arguments)
            #expect(output.status != 0)
            #expect(output.stderr.contains(mention), "\(output.stderr)")
        }
    }
}
