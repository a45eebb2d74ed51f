import Foundation

/// Reads the typed JSON form of a workload, checking every field and naming the file, request
/// key and field of the first problem. Internal: `InferCeptDataset` is the public entry.
struct TypedWorkloadParser {
    /// The file name used in error messages.
    let file: String
    let contextLimit: Int
    /// Token counts above this are treated as corrupt (the largest context of any model we run is
    /// far below it), which also keeps every later sum far from overflow.
    static let maxTokenCount = 10_000_000
    /// Calls longer than this (about 116 days) are treated as corrupt.
    static let maxCallSeconds = 10_000_000.0

    /// Every request of the document, sorted by key.
    func requests(in data: Data) throws(WorkloadError) -> [TraceRequest] {
        let requests = try requestsObject(in: data)
        var traces: [TraceRequest] = []
        traces.reserveCapacity(requests.count)
        for key in requests.keys.sorted() {
            traces.append(try request(key: key, value: requests[key]))
        }
        guard !traces.isEmpty else { throw .empty(file: file) }
        return traces
    }

    /// The `requests` object of the document, or the reason the document has none.
    private func requestsObject(in data: Data) throws(WorkloadError) -> [String: Any] {
        guard !data.isEmpty else { throw .malformed(file: file, reason: "the file is empty") }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformed(file: file, reason: "not valid JSON (truncated or corrupt)" + (detail.map { ": " + Self.oneLine($0) } ?? ""))
        }
        guard let object = root as? [String: Any] else {
            throw .malformed(file: file, reason: "expected a JSON object with a \"requests\" object, found \(Self.describe(root))")
        }
        guard let requestsValue = object["requests"] else {
            if object.values.contains(where: { $0 is [Any] }) {
                throw .malformed(file: file, reason: "no \"requests\" object: this looks like InferCept's raw merged_exp_uniform.json; "
                    + "convert it to the typed form {\"requests\": {key: {\"type\", \"segments\"}}} (see Sources/Workloads/Data/README.md)")
            }
            throw .malformed(file: file, reason: "missing the \"requests\" object")
        }
        guard let requests = requestsValue as? [String: Any] else {
            throw .malformed(file: file, reason: "\"requests\" must be an object of key → request, found \(Self.describe(requestsValue))")
        }
        return requests
    }

    /// One request: its type, its prompt (segment 0's `prompt_tokens`) and its merged segments.
    func request(key: String, value: Any?) throws(WorkloadError) -> TraceRequest {
        guard let request = value as? [String: Any] else {
            throw invalid(key, "(request)", value, "must be an object with \"type\" and \"segments\"")
        }
        guard let type = request["type"] as? String, !type.isEmpty else {
            throw invalid(key, "type", request["type"], "must be a non-empty string")
        }
        guard let rawSegments = request["segments"] as? [Any], !rawSegments.isEmpty else {
            throw invalid(key, "segments", request["segments"], "must be a non-empty array")
        }
        var segments: [TraceSegment] = []
        var promptTokenCount = 0
        for (index, raw) in rawSegments.enumerated() {
            let field = "segments[\(index)]"
            guard let segment = raw as? [String: Any] else { throw invalid(key, field, raw, "must be an object") }
            if index == 0 {
                promptTokenCount = try count(segment, "prompt_tokens", key: key, field: field)
                guard promptTokenCount > 0 else { throw invalid(key, "\(field).prompt_tokens", segment["prompt_tokens"], "must be > 0") }
            } else if segment["prompt_tokens"] != nil {
                _ = try count(segment, "prompt_tokens", key: key, field: field)  // informational, but must be sane
            }
            let decode = try count(segment, "completion_tokens", key: key, field: field)
            let call = try self.call(segment, type: type, index: index, key: key, field: field)
            segments.append(TraceSegment(decodeTokenCount: decode, call: call))
        }
        return TraceRequest(
            key: key, type: type, promptTokenCount: promptTokenCount, segments: Self.merged(segments), contextLimit: contextLimit)
    }

    /// A segment's interception, or nil when it has none (neither field, or a 0 s call returning nothing).
    private func call(_ segment: [String: Any], type: String, index: Int, key: String, field: String) throws(WorkloadError) -> TraceCall? {
        let time = segment["api_time"], length = segment["api_token_length"]
        if time == nil && length == nil { return nil }
        guard let seconds = Self.number(time), seconds >= 0, seconds <= Self.maxCallSeconds else {
            throw invalid(key, "\(field).api_time", time, "must be a number of seconds ≥ 0 (a call needs api_time and api_token_length)")
        }
        guard let returned = Self.number(length), returned == returned.rounded(), abs(returned) <= Double(Self.maxTokenCount) else {
            throw invalid(key, "\(field).api_token_length", length, "must be an integer (a call needs api_time and api_token_length)")
        }
        let returnedTokens = max(0, Int(returned))  // the harness treats negative lengths (ALFWorld's −2) as 0
        if seconds == 0 && returnedTokens == 0 { return nil }
        return TraceCall(
            kind: InferCeptDataset.callKind(type: type, segmentIndex: index), duration: .seconds(seconds),
            returnedTokenCount: returnedTokens)
    }

    /// Merges every call-less segment but the last into the next one, so each segment of a trace
    /// but the last ends in a call.
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

    private func count(_ segment: [String: Any], _ name: String, key: String, field: String) throws(WorkloadError) -> Int {
        guard let value = Self.number(segment[name]), value >= 0, value == value.rounded(), value <= Double(Self.maxTokenCount) else {
            throw invalid(key, "\(field).\(name)", segment[name], "must be an integer in 0...\(Self.maxTokenCount)")
        }
        return Int(value)
    }

    private func invalid(_ key: String, _ field: String, _ value: Any?, _ requirement: String) -> WorkloadError {
        .invalidField(file: file, key: Self.oneLine(key), field: field, value: Self.describe(value), requirement: requirement)
    }

    /// A finite JSON number; booleans, strings and nulls are not numbers.
    static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    /// JSONSerialization gives `true`/`false` as NSNumber's boolean subclass. (`is Bool` cannot
    /// tell them apart: on Linux every NSNumber holding 0 or 1 bridges to Bool.)
    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }

    /// A short one-line rendering of a JSON value for error messages.
    static func describe(_ value: Any?) -> String {
        guard let value else { return "missing" }
        return switch value {
        case is NSNull: "null"
        case let text as String: "\"" + oneLine(text) + "\""
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        case let number as NSNumber: isBoolean(number) ? (number.boolValue ? "true" : "false") : number.stringValue
        default: "an unexpected value"
        }
    }

    /// `text` on one line, at most 60 characters.
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }
}
