/// Token counts of a response (`usage`), with the prefix-cache hits vLLM reports.
public struct Usage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }

    func write(_ json: inout JSONWriter, name: String = "usage") {
        json.object(name) { json in
            json.field("prompt_tokens", promptTokens)
            json.field("completion_tokens", completionTokens)
            json.field("total_tokens", promptTokens + completionTokens)
            json.object("prompt_tokens_details") { $0.field("cached_tokens", cachedTokens) }
        }
    }
}

/// AugServe's extension of a response: the calls a request made (ignored by OpenAI clients).
public struct CallUsage: Sendable, Equatable {
    public var callCount: Int
    public var returnedTokens: Int
    public var callSeconds: Double
    public var preemptions: Int
    public var swappedBlocks: Int

    public init(callCount: Int, returnedTokens: Int, callSeconds: Double, preemptions: Int, swappedBlocks: Int) {
        self.callCount = callCount
        self.returnedTokens = returnedTokens
        self.callSeconds = callSeconds
        self.preemptions = preemptions
        self.swappedBlocks = swappedBlocks
    }

    func write(_ json: inout JSONWriter) {
        json.object("augserve") { json in
            json.field("calls", callCount)
            json.field("returned_tokens", returnedTokens)
            json.field("call_seconds", callSeconds)
            json.field("preemptions", preemptions)
            json.field("swapped_blocks", swappedBlocks)
        }
    }
}

/// What every response of one request shares.
public struct ResponseHeader: Sendable, Equatable {
    public var id: String
    public var created: Int
    public var model: String

    public init(id: String, created: Int, model: String) {
        self.id = id
        self.created = created
        self.model = model
    }

    func write(_ json: inout JSONWriter, object: String) {
        json.field("id", id)
        json.field("object", object)
        json.field("created", created)
        json.field("model", model)
    }
}

/// Bodies of the generation endpoints, written in OpenAI's shape.
public enum ResponseBodies {
    /// A non-streaming chat completion.
    public static func chatCompletion(
        _ header: ResponseHeader, content: String, finishReason: String, usage: Usage, calls: CallUsage? = nil
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "chat.completion")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.object("message") { json in
                        json.field("role", "assistant")
                        json.field("content", content)
                    }
                    json.nullField("logprobs")
                    json.field("finish_reason", finishReason)
                }
            }
            usage.write(&json)
            calls?.write(&json)
        }
        return json.bytes
    }

    /// A streamed chat chunk; the first carries the role with the first text.
    public static func chatChunk(
        _ header: ResponseHeader, role: Bool, content: String?, finishReason: String?, includeUsageNull: Bool
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "chat.completion.chunk")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.object("delta") { json in
                        if role { json.field("role", "assistant") }
                        if let content { json.field("content", content) }
                    }
                    json.nullField("logprobs")
                    json.field("finish_reason", finishReason)
                }
            }
            if includeUsageNull { json.nullField("usage") }
        }
        return json.bytes
    }

    /// The final chunk of `stream_options.include_usage`: no choices, the usage.
    public static func usageChunk(_ header: ResponseHeader, object: String, usage: Usage, calls: CallUsage? = nil) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: object)
            json.array("choices") { _ in }
            usage.write(&json)
            calls?.write(&json)
        }
        return json.bytes
    }

    /// A non-streaming text completion.
    public static func completion(
        _ header: ResponseHeader, text: String, finishReason: String, usage: Usage, calls: CallUsage? = nil
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "text_completion")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.field("text", text)
                    json.nullField("logprobs")
                    json.field("finish_reason", finishReason)
                }
            }
            usage.write(&json)
            calls?.write(&json)
        }
        return json.bytes
    }

    /// A streamed text-completion chunk.
    public static func completionChunk(_ header: ResponseHeader, text: String, finishReason: String?, includeUsageNull: Bool) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "text_completion")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.field("text", text)
                    json.nullField("logprobs")
                    json.field("finish_reason", finishReason)
                }
            }
            if includeUsageNull { json.nullField("usage") }
        }
        return json.bytes
    }

    /// OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}`.
    public static func error(message: String, type: String, param: String?, code: Int) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.object("error") { json in
                json.field("message", message)
                json.field("type", type)
                json.field("param", param)
                json.field("code", code)
            }
        }
        return json.bytes
    }

    /// `GET /v1/models`.
    public static func models(id: String, created: Int, maxModelLength: Int, root: String) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("object", "list")
            json.array("data") { json in
                json.object { json in
                    json.field("id", id)
                    json.field("object", "model")
                    json.field("created", created)
                    json.field("owned_by", "augserve")
                    json.field("root", root)
                    json.nullField("parent")
                    json.field("max_model_len", maxModelLength)
                }
            }
        }
        return json.bytes
    }

    /// `POST /tokenize`.
    public static func tokenized(_ tokens: [Int32], maxModelLength: Int) -> [UInt8] {
        var json = JSONWriter(capacity: 64 + tokens.count * 6)
        json.object { json in
            json.field("count", tokens.count)
            json.field("max_model_len", maxModelLength)
            json.array("tokens") { json in for token in tokens { json.value(Int(token)) } }
        }
        return json.bytes
    }

    /// `POST /detokenize`.
    public static func detokenized(_ text: String) -> [UInt8] {
        var json = JSONWriter()
        json.object { $0.field("prompt", text) }
        return json.bytes
    }
}

/// The content chunks of one stream, written from a template: everything but the text is the
/// same for every token of a request, so it is serialized once and each token costs one escaped
/// string between a fixed prefix and suffix. The bytes equal `ResponseBodies.chatChunk` /
/// `completionChunk` framed by `ServerSentEvents.event` (tested).
public struct StreamChunkTemplate: Sendable {
    private let firstPrefix: [UInt8]
    private let prefix: [UInt8]
    private let suffix: [UInt8]

    public init(_ header: ResponseHeader, chat: Bool, includeUsageNull: Bool) {
        let marker = "\u{1}"
        func frame(role: Bool) -> [UInt8] {
            ServerSentEvents.event(chat
                ? ResponseBodies.chatChunk(header, role: role, content: marker, finishReason: nil, includeUsageNull: includeUsageNull)
                : ResponseBodies.completionChunk(header, text: marker, finishReason: nil, includeUsageNull: includeUsageNull))
        }
        // The marker is written as the escape `"\u0001"`: split each frame around it.
        var escaped: [UInt8] = []
        JSONWriter.appendString(marker, to: &escaped)
        func split(_ frame: [UInt8]) -> ([UInt8], [UInt8]) {
            let at = (0...(frame.count - escaped.count)).first { Array(frame[$0..<($0 + escaped.count)]) == escaped }!
            return (Array(frame[..<at]), Array(frame[(at + escaped.count)...]))
        }
        let (first, _) = split(frame(role: true))
        let (later, tail) = split(frame(role: false))
        firstPrefix = first
        prefix = later
        suffix = tail
    }

    /// The SSE frame of one content chunk (`role` on the first one of a chat stream).
    public func frame(_ text: String, role: Bool, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: role ? firstPrefix : prefix)
        JSONWriter.appendString(text, to: &bytes)
        bytes.append(contentsOf: suffix)
    }
}
