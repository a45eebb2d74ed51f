import Foundation

/// The InferCept six-augmentation workload (397 requests: math, chatbot, QA, TTS, virtual
/// environment, image) and the loader for files in its typed JSON form (see `Data/README.md`).
///
/// Replay semantics follow InferCept's harness (SPEC Appendix A): a negative returned length is 0;
/// a segment whose call lasts 0 s and returns nothing is no call (its decode tokens join the next
/// segment); a 0 s call that returns tokens is a call of 0 s; a segment without `api_time` and
/// `api_token_length` has no call; `maxOutputTokenCount = min(2048, Σ completion + Σ returned)`.
/// Requests are ordered by key, so sampling by index does not depend on the file's key order.
public enum InferCeptDataset {
    /// The file name of the copy shipped in the package.
    public static let bundledFileName = "infercept_workload_typed.json"
    /// The context limit of InferCept's experiments (GPT-J-6B, Vicuna-13B).
    public static let contextLimit = 2048

    /// The copy shipped with the package, named `infercept`.
    public static func bundled() throws(WorkloadError) -> Workload {
        let name = "infercept_workload_typed"
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Data")
            ?? Bundle.module.url(forResource: name, withExtension: "json")
        else { throw .missingResource(bundledFileName) }
        var workload = try load(contentsOf: url)
        workload.name = "infercept"
        return workload
    }

    /// Loads a workload file in the typed JSON form
    /// `{"requests": {key: {"type": …, "segments": [{"prompt_tokens", "completion_tokens",
    /// "api_time"?, "api_token_length"?}, …]}}}`; the workload is named after the file.
    public static func load(contentsOf url: URL) throws(WorkloadError) -> Workload {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: TypedWorkloadParser.oneLine(error.localizedDescription))
        }
        var workload = try parse(data, file: url.path)
        workload.name = url.deletingPathExtension().lastPathComponent
        return workload
    }

    /// Parses the typed JSON form from memory; `file` names the source in error messages.
    public static func parse(_ data: Data, file: String) throws(WorkloadError) -> Workload {
        let parser = TypedWorkloadParser(file: file, contextLimit: contextLimit)
        let requests = try parser.requests(in: data)
        return Workload(name: file, requests: requests, contextLimit: contextLimit)
    }

    /// The interception kind of segment `segmentIndex` (its index in the file, before zero calls
    /// are merged) of a request of `type`. TTS and image requests alternate the tool call (even
    /// segments) and a human turn (odd segments). Verified against every row of the segment table
    /// published with the data (`Tests/WorkloadsTests/Fixtures/infercept_segments.csv`).
    public static func callKind(type: String, segmentIndex: Int) -> CallKind {
        switch type {
        case "math": .calculator
        case "qa": .wikipedia
        case "ve": .alfworldEnvironment
        case "tts": segmentIndex % 2 == 0 ? .barkTTS : .humanFollowup
        case "image": segmentIndex % 2 == 0 ? .stableDiffusion : .humanFollowup
        default: .humanFollowup
        }
    }
}
