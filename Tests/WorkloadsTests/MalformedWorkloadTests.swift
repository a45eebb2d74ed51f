import Foundation
import Testing
import Workloads

/// Bad workload files give one-line errors naming the file, the request key and the field.
@Suite struct MalformedWorkloadTests {
    static func loadError(_ text: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("workload-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            try Data(text.utf8).write(to: url)
            _ = try InferCeptDataset.load(contentsOf: url)
            return "accepted"
        } catch let error as WorkloadError {
            #expect(error.description.contains(url.path), "names the file")
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    static func segmentError(_ segments: String, type: String = "\"qa\"") -> String {
        loadError(#"{"requests": {"key-7": {"type": \#(type), "segments": \#(segments)}}}"#)
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("not json at all", "not valid JSON"),
        (#"{"requests": {"x": {"type": "qa", "segm"#, "not valid JSON (truncated or corrupt)"),
        ("[1, 2]", "expected a JSON object with a \"requests\" object, found an array"),
        (#"{"source": "x"}"#, "missing the \"requests\" object"),
        (#"{"abc": [{"prompt_tokens": 3, "completion_tokens": 4}]}"#, "raw merged_exp_uniform.json"),
        (#"{"requests": [1]}"#, "\"requests\" must be an object of key → request, found an array"),
        (#"{"requests": {}}"#, "holds no requests"),
    ])
    func documentShapeErrors(text: String, message: String) {
        let error = Self.loadError(text)
        #expect(error.contains(message), "\(error)")
        #expect(!error.contains("\n"))
    }

    @Test(arguments: [
        (#"[{"prompt_tokens": 3, "completion_tokens": -4}]"#, "segments[0].completion_tokens = -4: must be an integer"),
        (#"[{"prompt_tokens": 3, "completion_tokens": "many"}]"#, "segments[0].completion_tokens = \"many\""),
        (#"[{"prompt_tokens": 3, "completion_tokens": 2.5}]"#, "segments[0].completion_tokens = 2.5"),
        (#"[{"prompt_tokens": 3, "completion_tokens": true}]"#, "segments[0].completion_tokens = true"),
        (#"[{"prompt_tokens": 3}]"#, "segments[0].completion_tokens = missing"),
        (#"[{"prompt_tokens": 0, "completion_tokens": 1}]"#, "segments[0].prompt_tokens = 0: must be > 0"),
        (#"[{"prompt_tokens": null, "completion_tokens": 1}]"#, "segments[0].prompt_tokens = null"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1}, {"prompt_tokens": [], "completion_tokens": 1}]"#, "segments[1].prompt_tokens = an array"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_time": -1, "api_token_length": 3}, {"completion_tokens": 1}]"#, "segments[0].api_time = -1"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_time": "slow", "api_token_length": 3}]"#, "segments[0].api_time = \"slow\""),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_time": 2}]"#, "segments[0].api_token_length = missing"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_token_length": 2}]"#, "segments[0].api_time = missing"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_time": 1, "api_token_length": 1.5}]"#, "segments[0].api_token_length = 1.5"),
        (#"[{"prompt_tokens": 3, "completion_tokens": 1, "api_time": 1e300, "api_token_length": 1}]"#, "segments[0].api_time = 1e+300"),
        (#"[{"prompt_tokens": 1e12, "completion_tokens": 1}]"#, "segments[0].prompt_tokens = 1000000000000"),
        (#"[]"#, "segments = an array: must be a non-empty array"),
        (#"[7]"#, "segments[0] = 7: must be an object"),
        (#""text""#, "segments = \"text\""),
    ])
    func fieldErrorsNameKeyAndField(segments: String, message: String) {
        let error = Self.segmentError(segments)
        #expect(error.contains("request \"key-7\" field \(message)"), "\(error)")
        #expect(!error.contains("\n"))
    }

    @Test func typeAndRequestShapeErrors() {
        #expect(Self.segmentError(#"[{"prompt_tokens": 3, "completion_tokens": 1}]"#, type: "5").contains("field type = 5: must be a non-empty string"))
        #expect(Self.segmentError(#"[{"prompt_tokens": 3, "completion_tokens": 1}]"#, type: "\"\"").contains("field type = \"\""))
        #expect(Self.loadError(#"{"requests": {"r": 3}}"#).contains("request \"r\" field (request) = 3"))
    }

    @Test func unreadableFileNamesThePath() {
        do {
            _ = try InferCeptDataset.load(contentsOf: URL(fileURLWithPath: "/nonexistent/dir/workload.json"))
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.hasPrefix("cannot read workload file /nonexistent/dir/workload.json"))
            #expect(!error.description.contains("\n"))
        }
    }

    /// The typed form users write themselves loads like the bundled file, named after the file.
    @Test func userFileInTheTypedFormLoads() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("my-mix-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"source": "mine", "requests": {"b": {"type": "tts", "segments": [{"prompt_tokens": 50, "completion_tokens": 20, "api_time": 4.25, "api_token_length": 9}, {"prompt_tokens": 79, "completion_tokens": 30, "api_time": 12, "api_token_length": 15}, {"prompt_tokens": 124, "completion_tokens": 5}]}, "a": {"type": "math", "segments": [{"prompt_tokens": 10, "completion_tokens": 3}]}}}"#.utf8).write(to: url)
        let workload = try InferCeptDataset.load(contentsOf: url)
        #expect(workload.name == url.deletingPathExtension().lastPathComponent)
        #expect(workload.requests.map(\.key) == ["a", "b"])
        let tts = workload.requests[1]
        #expect(tts.segments.compactMap(\.call?.kind) == [.barkTTS, .humanFollowup])
        #expect(tts.totalCallDuration == .milliseconds(16_250))
        #expect(tts.maxOutputTokenCount == 79)
    }
}
