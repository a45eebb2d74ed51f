import Foundation
import Testing
import Workloads

@Suite struct InferCeptDatasetTests {
    @Test func bundledWorkloadHasTheSixTypes() throws {
        let workload = try InferCeptDataset.bundled()
        #expect(workload.requests.count == 397)
        #expect(workload.contextLimit == 2048)
        let counts = Dictionary(uniqueKeysWithValues: workload.typeCounts.map { ($0.type, $0.count) })
        #expect(counts == ["math": 98, "chatbot": 65, "qa": 50, "tts": 65, "ve": 54, "image": 65])
    }

    /// The harness's replay quirks: negative returns are 0, 0 s calls that return tokens are calls,
    /// and `max_tokens = min(2048, Σ completion + Σ returned)`.
    @Test func replaySemanticsKeepTheQuirks() throws {
        let workload = try InferCeptDataset.bundled()
        let calls = workload.requests.flatMap { request in request.segments.compactMap { $0.call.map { (request.type, $0) } } }
        #expect(calls.allSatisfy { $0.1.returnedTokenCount >= 0 })
        let zeroDuration = calls.filter { $0.1.duration == .zero }
        #expect(zeroDuration.filter { $0.0 == "math" }.count == 7)
        #expect(zeroDuration.filter { $0.0 == "qa" }.count == 8)
        #expect(calls.filter { $0.0 == "ve" && $0.1.returnedTokenCount == 0 }.count >= 4)
        for request in workload.requests {
            let total = request.segments.reduce(0) { $0 + $1.decodeTokenCount + ($1.call?.returnedTokenCount ?? 0) }
            #expect(request.maxOutputTokenCount == min(2048, total))
            #expect(request.segments.dropLast().allSatisfy { $0.call != nil }, "only the last segment may end without a call")
        }
        #expect(workload.requests.filter { $0.type == "ve" }.allSatisfy { $0.promptTokenCount == 1973 })
    }

    /// The call kind rule reproduces `interception_kind` of every row of the dataset's segment table.
    @Test func callKindsMatchTheSegmentTable() throws {
        let csvURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/infercept_segments.csv")
        let rows = try String(contentsOf: csvURL, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        var byKey: [String: [Substring]] = [:]
        for row in rows {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 10, fields[6] == "1" else { continue }
            let kind = InferCeptDataset.callKind(type: String(fields[1]), segmentIndex: Int(fields[2]) ?? -1)
            #expect(kind.name == String(fields[9]), "\(fields[0]) segment \(fields[2])")
            byKey[String(fields[0]), default: []].append(fields[9])
        }
        #expect(byKey.values.reduce(0) { $0 + $1.count } == 1841, "2,054 segments, 213 without a call")
        let workload = try InferCeptDataset.bundled()
        for request in workload.requests.prefix(50) {
            let kinds = request.segments.compactMap { $0.call?.kind.name }
            #expect(kinds == (byKey[request.key] ?? []).map(String.init), "\(request.key)")
        }
    }

    @Test func malformedFilesGiveErrorsNamingFileAndField() throws {
        func load(_ text: String) -> WorkloadError? {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString).json")
            try? text.write(to: url, atomically: true, encoding: .utf8)
            do {
                _ = try InferCeptDataset.load(contentsOf: url)
                return nil
            } catch { return error }
        }
        #expect(load("{\"requests\": {\"x\": ")?.description.contains("not valid JSON") == true)
        #expect(load("[1, 2]")?.description.contains("\"requests\"") == true)
        #expect(load("{\"requests\": {}}")?.description.contains("no requests") == true)
        let badType = load(#"{"requests": {"k": {"segments": [{"prompt_tokens": 3, "completion_tokens": 1}]}}}"#)
        #expect(badType?.description.contains("\"k\" field type") == true)
        let badCount = load(#"{"requests": {"k": {"type": "qa", "segments": [{"prompt_tokens": 3, "completion_tokens": "many"}]}}}"#)
        #expect(badCount?.description.contains("segments[0].completion_tokens = many") == true)
        let badTime = load(#"{"requests": {"k": {"type": "qa", "segments": [{"prompt_tokens": 3, "completion_tokens": 1, "api_time": -1, "api_token_length": 3}, {"prompt_tokens": 3, "completion_tokens": 1}]}}}"#)
        #expect(badTime?.description.contains("api_time = -1") == true)
        let missing = try? InferCeptDataset.load(contentsOf: URL(fileURLWithPath: "/nonexistent/file.json"))
        #expect(missing == nil)
    }

    /// A segment whose call takes 0 s and returns nothing is no call: its decodes join the next segment.
    @Test func zeroZeroCallsAreNotCalls() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString).json")
        try #"{"requests": {"k": {"type": "qa", "segments": [{"prompt_tokens": 5, "completion_tokens": 4, "api_time": 0, "api_token_length": 0}, {"prompt_tokens": 9, "completion_tokens": 6, "api_time": 0, "api_token_length": 2}, {"prompt_tokens": 17, "completion_tokens": 3}]}}}"#
            .write(to: url, atomically: true, encoding: .utf8)
        let request = try #require(try InferCeptDataset.load(contentsOf: url).requests.first)
        #expect(request.segments.map(\.decodeTokenCount) == [10, 3])
        #expect(request.segments[0].call?.duration == .zero && request.segments[0].call?.returnedTokenCount == 2)
        #expect(request.maxOutputTokenCount == 15)
    }
}
