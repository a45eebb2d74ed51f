import Foundation
import Testing
import Workloads

@Suite struct InferCeptDatasetTests {
    @Test func bundledWorkloadHasTheSixTypes() throws {
        let workload = try InferCeptDataset.bundled()
        #expect(workload.name == "infercept")
        #expect(workload.requests.count == 397)
        #expect(workload.contextLimit == 2048)
        let counts = Dictionary(uniqueKeysWithValues: workload.typeCounts.map { ($0.type, $0.count) })
        #expect(counts == ["math": 98, "chatbot": 65, "qa": 50, "tts": 65, "ve": 54, "image": 65])
        #expect(workload.requests.map(\.key) == workload.requests.map(\.key).sorted(), "ordered by key")
        #expect(Set(workload.requests.map(\.key)).count == 397)
    }

    /// The harness's replay quirks: negative returns are 0, 0 s calls that return tokens are calls,
    /// and `max_tokens = min(2048, Σ completion + Σ returned)`.
    @Test func replaySemanticsKeepTheQuirks() throws {
        let workload = try InferCeptDataset.bundled()
        let calls = workload.requests.flatMap { request in request.segments.compactMap { $0.call.map { (request.type, $0) } } }
        #expect(calls.count == 1841)
        #expect(calls.allSatisfy { $0.1.returnedTokenCount >= 0 && $0.1.duration >= .zero })
        let zeroDuration = calls.filter { $0.1.duration == .zero }
        #expect(zeroDuration.filter { $0.0 == "math" }.count == 7)
        #expect(zeroDuration.filter { $0.0 == "qa" }.count == 8)
        #expect(zeroDuration.allSatisfy { $0.1.returnedTokenCount > 0 })
        #expect(calls.filter { $0.0 == "ve" && $0.1.returnedTokenCount == 0 }.count == 11, "7 empty returns and the four −2")
        for request in workload.requests {
            #expect(request.maxOutputTokenCount == min(2048, request.decodeTokenCount + request.returnedTokenCount))
            #expect(request.segments.dropLast().allSatisfy { $0.call != nil }, "only the last segment may end without a call")
            #expect(request.promptTokenCount > 0 && request.promptTokenCount < 2048)
        }
        #expect(workload.requests.filter { $0.type == "ve" }.allSatisfy { $0.promptTokenCount == 1973 })
    }

    /// Every row of the segment table published with the data: the kind rule gives its
    /// `interception_kind`, and the loaded traces carry its calls, durations and returned lengths.
    @Test func loadedTracesMatchTheSegmentTable() throws {
        let table = try SegmentTable.load()
        #expect(table.rows.count == 2054)
        #expect(table.rows.filter { $0.returnedTokenCount < 0 }.map(\.returnedTokenCount) == [-2, -2, -2, -2])
        for row in table.rows {
            let expected = row.hasInterception ? InferCeptDataset.callKind(type: row.type, segmentIndex: row.segmentIndex).name : "none"
            #expect(row.kind == expected, "\(row.key) segment \(row.segmentIndex)")
        }
        let workload = try InferCeptDataset.bundled()
        #expect(Set(workload.requests.map(\.key)) == Set(table.rows.map(\.key)))
        for request in workload.requests {
            let rows = table.rows.filter { $0.key == request.key }
            let calls = request.segments.compactMap(\.call)
            let callRows = rows.filter(\.hasInterception)
            #expect(calls.map(\.kind.name) == callRows.map(\.kind), "\(request.key)")
            #expect(calls.map(\.returnedTokenCount) == callRows.map { max(0, $0.returnedTokenCount) })
            #expect(zip(calls, callRows).allSatisfy { abs(Self.seconds($0.duration) - $1.seconds) <= 1e-8 * max(1, $1.seconds) })
            #expect(request.promptTokenCount == rows.first?.promptTokenCount)
            #expect(request.decodeTokenCount == rows.reduce(0) { $0 + $1.completionTokenCount })
        }
    }

    /// A 0 s call returning nothing is no call: its decodes join the next segment.
    @Test func zeroZeroCallsAreNotCalls() throws {
        let workload = try Self.parse(#"""
            {"requests": {"k": {"type": "qa", "segments": [
              {"prompt_tokens": 5, "completion_tokens": 4, "api_time": 0, "api_token_length": 0},
              {"prompt_tokens": 9, "completion_tokens": 6, "api_time": 0, "api_token_length": 2},
              {"prompt_tokens": 17, "completion_tokens": 3, "api_time": 1.5, "api_token_length": -2},
              {"prompt_tokens": 20, "completion_tokens": 1, "api_time": 0, "api_token_length": -2}]}}}
            """#)
        let request = try #require(workload.requests.first)
        #expect(request.segments.map(\.decodeTokenCount) == [10, 3, 1])
        #expect(request.segments[0].call == TraceCall(kind: .wikipedia, duration: .zero, returnedTokenCount: 2))
        #expect(request.segments[1].call == TraceCall(kind: .wikipedia, duration: .milliseconds(1500), returnedTokenCount: 0))
        #expect(request.segments[2].call == nil, "the last 0 s / −2 call is no call")
        #expect(request.maxOutputTokenCount == 16)
        #expect(request.promptTokenCount == 5)
    }

    @Test func outputLimitIsCappedAtTheContextLimit() throws {
        let workload = try Self.parse(#"""
            {"requests": {"a": {"type": "chatbot", "segments": [
              {"prompt_tokens": 100, "completion_tokens": 1500, "api_time": 30, "api_token_length": 900},
              {"completion_tokens": 10}]}}}
            """#)
        let request = try #require(workload.requests.first)
        #expect(request.maxOutputTokenCount == 2048)
        #expect(request.segments.first?.call?.kind == .humanFollowup)
    }

    static func parse(_ text: String) throws(WorkloadError) -> Workload {
        try InferCeptDataset.parse(Data(text.utf8), file: "test.json")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
