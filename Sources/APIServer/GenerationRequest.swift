import Foundation
import OpenAIProtocol
import ServingCore
import Tokenization

/// A generation request checked and translated for the engine: everything a client can get wrong
/// is a 400 whose message names the field and the value.
struct GenerationRequest: Sendable {
    var spec: RequestSpec
    var stops: [String]
    var stream: Bool
    var includeUsage: Bool

    /// Limits on what a request may ask for.
    static let maxStopCount = 64
    static let maxStopLength = 1024
    static let maxSegmentCount = 512
    static let maxCallSeconds = 3600.0

    /// Checks and translates the sampling and output fields of a request whose prompt is `prompt`.
    init(fields: GenerationFields, prompt: [TokenID], model: ServedModel, objectives: RequestObjectives) throws(APIError) {
        try Self.checkUnsupported(fields)
        let maxContext = model.maxContextLength
        guard !prompt.isEmpty else { throw .badRequest("the prompt is empty", param: "prompt") }
        guard prompt.count < maxContext else {
            throw .badRequest(
                "This model's maximum context length is \(maxContext) tokens. However, your request has \(prompt.count) input tokens. Please reduce the length of the input.",
                param: "messages")
        }
        if let bad = prompt.first(where: { $0 < 0 || Int($0) >= model.vocabularySize }) {
            throw .badRequest("invalid 'prompt': token id \(bad) is outside the vocabulary of \(model.vocabularySize)", param: "prompt")
        }
        var segments: [ScriptedSegment] = []
        var requestClass = "default"
        if let replay = fields.traceReplay {
            segments = try Self.segments(replay, maxContext: maxContext)
            requestClass = try Self.requestClass(replay.requestClass)
        }
        // A trace replay plays its decode counts whatever the model samples: EOS is ignored, as
        // InferCept's harness does (SPEC §2).
        let sampling = try Self.sampling(fields, model: model, ignoresEOS: fields.ignoreEOS || !segments.isEmpty)
        let room = maxContext - prompt.count
        let scripted = segments.reduce(0) { $0 + $1.decodeTokenCount + ($1.call?.returnedTokenCount ?? 0) }
        let maxTokens = fields.maxTokens ?? (segments.isEmpty ? room : min(room, max(1, scripted)))
        guard maxTokens >= 1 else { throw .badRequest("invalid 'max_tokens' \(maxTokens): must be at least 1", param: "max_tokens") }
        guard maxTokens <= room else {
            throw .badRequest(
                "This model's maximum context length is \(maxContext) tokens. However, you requested \(prompt.count + maxTokens) tokens (\(prompt.count) in the messages, \(maxTokens) in the completion). Please reduce the length of the messages or completion.",
                param: "max_tokens")
        }
        let minTokens = fields.minTokens ?? 0
        guard minTokens >= 0, minTokens <= maxTokens else {
            throw .badRequest("invalid 'min_tokens' \(minTokens): must be in 0...max_tokens (\(maxTokens))", param: "min_tokens")
        }
        let priority = fields.priority ?? 0
        guard abs(priority) <= 1_000_000 else { throw .badRequest("invalid 'priority' \(priority): must be in -1000000...1000000", param: "priority") }
        spec = RequestSpec(
            promptTokens: prompt, sampling: sampling, maxOutputTokenCount: maxTokens,
            outputAccounting: segments.isEmpty ? .generatedOnly : .generatedAndReturned, minOutputTokenCount: minTokens,
            segments: segments, requestClass: requestClass, priority: priority, objectives: objectives)
        stops = try Self.stops(fields.stop)
        stream = fields.stream
        includeUsage = fields.includeUsage
    }

    private static func checkUnsupported(_ fields: GenerationFields) throws(APIError) {
        if let n = fields.n, n != 1 {
            throw .badRequest("invalid 'n' \(n): this server returns one choice per request (n = 1)", param: "n")
        }
        for (name, value) in [("presence_penalty", fields.presencePenalty), ("frequency_penalty", fields.frequencyPenalty)] {
            if let value, value != 0 { throw .badRequest("'\(name)' = \(value) is not supported (only 0)", param: name) }
        }
        if let value = fields.repetitionPenalty, value != 1 {
            throw .badRequest("'repetition_penalty' = \(value) is not supported (only 1)", param: "repetition_penalty")
        }
    }

    private static func sampling(_ fields: GenerationFields, model: ServedModel, ignoresEOS: Bool) throws(APIError) -> SamplingParameters {
        let temperature = fields.temperature ?? 1
        guard temperature.isFinite, temperature >= 0, temperature <= 100 else {
            throw .badRequest("invalid 'temperature' \(temperature): must be in 0...100", param: "temperature")
        }
        let topP = fields.topP ?? 1
        guard topP.isFinite, topP > 0, topP <= 1 else { throw .badRequest("invalid 'top_p' \(topP): must be in (0, 1]", param: "top_p") }
        let topK = fields.topK ?? 0
        guard topK >= -1, topK <= 1_000_000 else { throw .badRequest("invalid 'top_k' \(topK): must be -1, 0 (off) or a positive count", param: "top_k") }
        let minP = fields.minP ?? 0
        guard minP.isFinite, minP >= 0, minP <= 1 else { throw .badRequest("invalid 'min_p' \(minP): must be in [0, 1]", param: "min_p") }
        var stopIDs = ignoresEOS ? [] : model.stopTokenIDs
        for id in fields.stopTokenIDs {
            guard id >= 0, id < model.vocabularySize else {
                throw .badRequest("invalid 'stop_token_ids': \(id) is outside the vocabulary of \(model.vocabularySize)", param: "stop_token_ids")
            }
            stopIDs.append(TokenID(id))
        }
        let seed = fields.seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...UInt64.max)
        return SamplingParameters(
            temperature: Float(temperature), topK: max(0, topK), topP: Float(topP), minP: Float(minP), seed: seed,
            stopTokenIDs: stopIDs, ignoreEOS: ignoresEOS && fields.stopTokenIDs.isEmpty)
    }

    private static func stops(_ values: [String]) throws(APIError) -> [String] {
        guard values.count <= maxStopCount else {
            throw .badRequest("invalid 'stop': \(values.count) strings, at most \(maxStopCount)", param: "stop")
        }
        if let long = values.first(where: { $0.utf8.count > maxStopLength }) {
            throw .badRequest("invalid 'stop': a string of \(long.utf8.count) bytes, at most \(maxStopLength)", param: "stop")
        }
        return values.filter { !$0.isEmpty }
    }

    /// The trace-replay extension's segments.
    private static func segments(_ replay: TraceReplayExtension, maxContext: Int) throws(APIError) -> [ScriptedSegment] {
        guard !replay.segments.isEmpty, replay.segments.count <= maxSegmentCount else {
            throw .badRequest("invalid 'augserve.segments': \(replay.segments.count) segments, must be 1...\(maxSegmentCount)", param: "augserve.segments")
        }
        var result: [ScriptedSegment] = []
        for (index, segment) in replay.segments.enumerated() {
            let field = "augserve.segments[\(index)]"
            guard segment.decode >= 0, segment.decode < maxContext else {
                throw .badRequest("invalid '\(field).decode' \(segment.decode): must be in 0..<\(maxContext)", param: field)
            }
            var call: ScriptedCall?
            if let spec = segment.call {
                guard !spec.name.isEmpty, spec.name.utf8.count <= 128 else {
                    throw .badRequest("invalid '\(field).call.name': must be 1...128 bytes", param: field)
                }
                guard spec.durationSeconds.isFinite, spec.durationSeconds >= 0, spec.durationSeconds <= maxCallSeconds else {
                    throw .badRequest("invalid '\(field).call.duration_s' \(spec.durationSeconds): must be in 0...\(Int(maxCallSeconds))", param: field)
                }
                guard spec.returnedTokens >= 0, spec.returnedTokens < maxContext else {
                    throw .badRequest("invalid '\(field).call.returned_tokens' \(spec.returnedTokens): must be in 0..<\(maxContext)", param: field)
                }
                call = ScriptedCall(name: spec.name, duration: .seconds(spec.durationSeconds), returnedTokenCount: spec.returnedTokens)
            }
            result.append(ScriptedSegment(decodeTokenCount: segment.decode, call: call))
        }
        return result
    }

    private static func requestClass(_ value: String?) throws(APIError) -> String {
        guard let value else { return "default" }
        guard !value.isEmpty, value.utf8.count <= 64 else { throw .badRequest("invalid 'augserve.class': must be 1...64 bytes", param: "augserve.class") }
        return value
    }

    /// Per-request objectives from the `x-slo-ttft-ms` / `x-slo-tpot-ms` headers.
    static func objectives(ttft: String?, tpot: String?) throws(APIError) -> RequestObjectives {
        func parse(_ text: String?, _ name: String) throws(APIError) -> Duration? {
            guard let text else { return nil }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0, value <= 1e8 else {
                throw .badRequest("invalid header '\(name)': '\(text.prefix(40))' is not a positive number of milliseconds", param: name)
            }
            return .milliseconds(value)
        }
        return RequestObjectives(timeToFirstToken: try parse(ttft, "x-slo-ttft-ms"), timePerOutputToken: try parse(tpot, "x-slo-tpot-ms"))
    }
}
