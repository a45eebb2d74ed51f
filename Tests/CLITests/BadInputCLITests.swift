import Foundation
import Testing

/// Input that used to trap (Double-to-Int conversions, Int overflow) or loop without end: each is
/// now one line on stderr naming the option or field, and a non-zero status — within seconds.
@Suite struct BadInputCLITests {
    private func expectOneLineError(
        _ arguments: [String], mentions needles: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let started = ContinuousClock.now
        let output = try CLIRunner.run(arguments)
        let elapsed = ContinuousClock.now - started
        #expect(output.status != 0 && output.status < 128, "status \(output.status) (≥ 128: killed by a signal)", sourceLocation: sourceLocation)
        #expect(output.stderrLines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        let line = output.stderrLines.first.map(String.init) ?? ""
        #expect(line.hasPrefix("error: "), "\(line)", sourceLocation: sourceLocation)
        for needle in needles { #expect(line.contains(needle), "\(line)", sourceLocation: sourceLocation) }
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
        #expect(elapsed < .seconds(30), "took \(elapsed)", sourceLocation: sourceLocation)
    }

    /// A hardware file in the `HardwarePreset` form with the given model and accelerator facts.
    static func hardwareFile(
        _ name: String, parameterCount: String = "6.05e9", kvBytesPerToken: String = "458752", memoryBytes: String = "24e9",
        hostSwapBytes: String = "64e9", fp16FLOPS: String = "1.65e14"
    ) throws -> String {
        try CLIRunner.temporaryFile("\(name).json", contents: """
            {"name": "\(name)",
             "model": {"name": "m", "parameterCount": \(parameterCount), "layerCount": 28, "kvBytesPerToken": \(kvBytesPerToken)},
             "accelerator": {"name": "a", "memoryBytes": \(memoryBytes), "memoryBandwidth": 1e12, "fp16FLOPS": \(fp16FLOPS),
                             "hostLinkBandwidth": 1.3e10, "hostSwapBytes": \(hostSwapBytes)},
             "tensorParallelism": 1}
            """)
    }

    @Test func hugeHardwareFactsAreRefused() throws {
        let memory = try Self.hardwareFile("memory", memoryBytes: "1e30")
        try expectOneLineError(["simulate", "--quiet", "--hardware", memory], mentions: [memory, "accelerator.memoryBytes", "1e+30"])
        let host = try Self.hardwareFile("host", hostSwapBytes: "1e30")
        try expectOneLineError(["simulate", "--quiet", "--hardware", host], mentions: [host, "accelerator.hostSwapBytes", "1e+30"])
        let kv = try Self.hardwareFile("kv", kvBytesPerToken: "9000000000000000000")
        try expectOneLineError(["simulate", "--quiet", "--hardware", kv], mentions: [kv, "model.kvBytesPerToken"])
        let flops = try Self.hardwareFile("flops", fp16FLOPS: "1e300")
        try expectOneLineError(["simulate", "--quiet", "--hardware", flops], mentions: [flops, "accelerator.fp16FLOPS"])
    }

    /// Memory inside the facts' bounds, but more blocks than the core's 32-bit block ids (or the
    /// simulator's bookkeeping) can hold: a petabyte with 1-byte KV tokens, and a petabyte of GPT-J.
    @Test func blockCountsPastTheLimitsAreRefused() throws {
        let tiny = try Self.hardwareFile("int32", parameterCount: "1e9", kvBytesPerToken: "1", memoryBytes: "1e15", hostSwapBytes: "0")
        try expectOneLineError(["simulate", "--quiet", "--hardware", tiny], mentions: ["cache.deviceBlockCount", "56249781250000"])
        let large = try Self.hardwareFile("peta", memoryBytes: "1e15")
        try expectOneLineError(["simulate", "--quiet", "--hardware", large], mentions: ["cache.deviceBlockCount", "at most 16777216"])
        let host = try Self.hardwareFile("petahost", hostSwapBytes: "1e15")
        try expectOneLineError(["simulate", "--quiet", "--hardware", host], mentions: ["cache.hostBlockCount"])
    }

    @Test("huge integer options are refused", arguments: [
        (["simulate", "--quiet", "--max-batched-tokens", "9223372036854775807"], "--max-batched-tokens 9223372036854775807"),
        (["simulate", "--quiet", "--max-batched-tokens", "0"], "--max-batched-tokens 0"),
        (["simulate", "--quiet", "--min-budget", "9223372036854775807"], "--min-budget 9223372036854775807"),
        (["simulate", "--quiet", "--lookahead", "9223372036854775807"], "--lookahead 9223372036854775807"),
        (["bench-scheduler", "--rounds", "9223372036854775807"], "--rounds 9223372036854775807"),
        (["bench-scheduler", "--queued", "9223372036854775807"], "--queued 9223372036854775807"),
        (["generate", "--prompt", "hi", "--max-tokens", "9223372036854775807"], "--max-tokens 9223372036854775807"),
        (["generate", "--prompt", "hi", "--max-tokens", "9223372036854775806"], "--max-tokens 9223372036854775806"),
        (["generate", "--prompt", "hi", "--threads", "100000"], "--threads 100000"),
    ])
    func hugeIntegerOptions(_ arguments: [String], _ expected: String) throws {
        try expectOneLineError(arguments, mentions: [expected])
    }

    /// `1e17:2e17:1` never advanced (1 is below the spacing of doubles at 1e17) and `0:1:1e-300`
    /// would have expanded to 1e300 values; both are counted before expanding.
    @Test("rate ranges that would never end are refused", arguments: [
        (["--rates", "1e17:2e17:1"], ["--rates", "more than 1000"]),
        (["--rates", "0:1:1e-300"], ["--rates", "more than 1000"]),
        (["--rates", "1:2:0"], ["--rates", "step > 0"]),
        (["--rates", "1e17"], ["invalid rate", "at most 1000000"]),
        (["--rates", "1e308:1e308:1e308"], ["invalid rate", "at most"]),
        (["--bursty-cv", "0:1:1e-300"], ["--bursty-cv", "more than 1000"]),
    ])
    func endlessRateRanges(_ arguments: [String], _ needles: [String]) throws {
        try expectOneLineError(["simulate", "--quiet"] + arguments, mentions: needles)
    }

    /// Every `UInt64` is a valid seed; one above `Int64.max` trapped when the JSON report's
    /// configuration was built (even without `--json`). It is written as a string there, as in the rows.
    @Test func largestSeedRuns() throws {
        let workload = try CLIRunner.temporaryFile("w.json", contents: SimulateCLITests.validWorkload)
        let json = URL(fileURLWithPath: workload).deletingLastPathComponent().appendingPathComponent("out.json").path
        let output = try CLIRunner.run([
            "simulate", "--quiet", "--workload-file", workload, "--policy", "vllm", "--duration", "1m", "--seed", "18446744073709551615",
            "--json", json,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let configuration = report?["configuration"] as? [String: Any]
        #expect(configuration?["seed"] as? String == "18446744073709551615", "\(String(describing: configuration?["seed"]))")
    }

    /// A fast accelerator and a loose objective made the dynamic budget's ceiling
    /// (`room / a`) overflow `Int`; it is capped now, and the run completes.
    @Test func fastHardwareWithALooseObjectiveRuns() throws {
        let flops = try Self.hardwareFile("fast", fp16FLOPS: "1e21")
        let workload = try CLIRunner.temporaryFile("w.json", contents: SimulateCLITests.validWorkload)
        let output = try CLIRunner.run([
            "simulate", "--quiet", "--hardware", flops, "--workload-file", workload, "--policy", "augserve", "--rate", "1",
            "--duration", "20s", "--normlat-factor", "1e12",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("| augserve | 1 |"))
    }
}
