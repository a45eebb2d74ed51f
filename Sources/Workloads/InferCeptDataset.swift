import Foundation

/// The InferCept six-augmentation workload (397 requests: math, chatbot, QA, TTS, virtual
/// environment, image), in the typed JSON form shipped in `Data/` (see its README).
///
/// Replay semantics follow InferCept's harness: negative returned lengths become 0; a segment whose
/// call has both duration 0 and nothing returned is not a call; a call of duration 0 that returns
/// tokens is a call of 0 s; `max_tokens = min(2048, Σ completion + Σ returned)`. Requests are
/// ordered by key, so sampling by index is deterministic.
public enum InferCeptDataset {
    public static let bundledFileName = "infercept_workload_typed.json"
    public static let contextLimit = 2048

    /// The copy shipped with the package.
    public static func bundled() throws(WorkloadError) -> Workload {
        guard let url = Bundle.module.url(forResource: "infercept_workload_typed", withExtension: "json", subdirectory: "Data")
            ?? Bundle.module.url(forResource: "infercept_workload_typed", withExtension: "json")
        else { throw .missingResource(bundledFileName) }
        var workload = try load(contentsOf: url)
        workload.name = "infercept"
        return workload
    }

    /// Loads a workload file in the typed JSON form
    /// `{"requests": {key: {"type": ..., "segments": [{"prompt_tokens", "completion_tokens", "api_time"?, "api_token_length"?}]}}}`.
    public static func load(contentsOf url: URL) throws(WorkloadError) -> Workload {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(file: file, reason: error.localizedDescription) }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw .malformed(file: file, reason: "not valid JSON (truncated or corrupt)")
        }
        guard let object = root as? [String: Any], let requests = object["requests"] as? [String: Any] else {
            throw .malformed(file: file, reason: "expected an object with a \"requests\" object")
        }
        var traces: [TraceRequest] = []
        for key in requests.keys.sorted() {
            traces.append(try parseRequest(key: key, value: requests[key] as Any, file: file))
        }
        guard !traces.isEmpty else { throw .empty(file: file) }
        return Workload(name: url.deletingPathExtension().lastPathComponent, requests: traces, contextLimit: contextLimit)
    }

    static func parseRequest(key: String, value: Any, file: String) throws(WorkloadError) -> TraceRequest {
        guard let request = value as? [String: Any] else {
            throw .invalidField(file: file, key: key, field: "(request)", value: "not an object")
        }
        guard let type = request["type"] as? String, !type.isEmpty else {
            throw .invalidField(file: file, key: key, field: "type", value: describe(request["type"]))
        }
        guard let rawSegments = request["segments"] as? [Any], !rawSegments.isEmpty else {
            throw .invalidField(file: file, key: key, field: "segments", value: describe(request["segments"]))
        }
        var segments: [TraceSegment] = []
        var promptTokenCount = 0
        for (index, raw) in rawSegments.enumerated() {
            let field = "segments[\(index)]"
            guard let segment = raw as? [String: Any] else {
                throw .invalidField(file: file, key: key, field: field, value: "not an object")
            }
            if index == 0 {
                promptTokenCount = try count(segment, "prompt_tokens", key: key, field: field, file: file)
                guard promptTokenCount > 0 else {
                    throw .invalidField(file: file, key: key, field: "\(field).prompt_tokens", value: "0")
                }
            }
            let decode = try count(segment, "completion_tokens", key: key, field: field, file: file)
            let call = try parseCall(segment, type: type, index: index, key: key, field: field, file: file)
            segments.append(TraceSegment(decodeTokenCount: decode, call: call))
        }
        return TraceRequest(
            key: key, type: type, promptTokenCount: promptTokenCount, segments: merged(segments), contextLimit: contextLimit)
    }

    /// A segment's interception, or nil when it has none (or a 0 s call returning nothing).
    static func parseCall(
        _ segment: [String: Any], type: String, index: Int, key: String, field: String, file: String
    ) throws(WorkloadError) -> TraceCall? {
        guard segment["api_time"] != nil || segment["api_token_length"] != nil else { return nil }
        guard let seconds = number(segment["api_time"]), seconds >= 0, seconds.isFinite else {
            throw .invalidField(file: file, key: key, field: "\(field).api_time", value: describe(segment["api_time"]))
        }
        guard let returned = number(segment["api_token_length"]), returned == returned.rounded(), returned > -1e9 else {
            throw .invalidField(file: file, key: key, field: "\(field).api_token_length", value: describe(segment["api_token_length"]))
        }
        let returnedTokens = max(0, Int(returned))  // the harness treats negative lengths as 0
        if seconds == 0 && returnedTokens == 0 { return nil }
        return TraceCall(kind: callKind(type: type, segmentIndex: index), duration: .seconds(seconds), returnedTokenCount: returnedTokens)
    }

    /// Merges a call-less segment into the next one, so every segment but the last ends in a call.
    static func merged(_ segments: [TraceSegment]) -> [TraceSegment] {
        var result: [TraceSegment] = []
        var carried = 0
        for (index, segment) in segments.enumerated() {
            if segment.call == nil && index < segments.count - 1 {
                carried += segment.decodeTokenCount
                continue
            }
            result.append(TraceSegment(decodeTokenCount: segment.decodeTokenCount + carried, call: segment.call))
            carried = 0
        }
        return result
    }

    /// The interception kind, from the request type (verified against every row of the dataset's
    /// `infercept_segments.csv`): TTS and image requests alternate tool call and human turn.
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

    private static func count(_ segment: [String: Any], _ name: String, key: String, field: String, file: String) throws(WorkloadError) -> Int {
        guard let value = number(segment[name]), value >= 0, value == value.rounded(), value < 1e7 else {
            throw .invalidField(file: file, key: key, field: "\(field).\(name)", value: describe(segment[name]))
        }
        return Int(value)
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    private static func describe(_ value: Any?) -> String {
        guard let value else { return "missing" }
        if value is NSNull { return "null" }
        return "\(value)"
    }
}
