/// A call the server ran itself, reported in the `augserve` extension of a response.
public struct ServerToolCall: Sendable, Equatable {
    public var call: ToolCall
    public var result: String
    public var failed: Bool

    public init(call: ToolCall, result: String, failed: Bool) {
        self.call = call
        self.result = result
        self.failed = failed
    }

    func write(_ json: inout JSONWriter) {
        json.object { json in
            json.field("id", call.id)
            json.field("name", call.name)
            json.field("arguments", call.arguments)
            json.field("result", result)
            json.field("failed", failed)
        }
    }
}

extension ResponseBodies {
    /// A non-streaming chat completion whose message may carry `tool_calls` (content is null when
    /// empty and there are calls) and whose `augserve` extension lists the server-side calls.
    public static func chatCompletion(
        _ header: ResponseHeader, content: String, toolCalls: [ToolCall], serverCalls: [ServerToolCall], finishReason: String,
        usage: Usage, calls: CallUsage?
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "chat.completion")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.object("message") { json in
                        json.field("role", "assistant")
                        json.field("content", content.isEmpty && !toolCalls.isEmpty ? nil : content)
                        if !toolCalls.isEmpty {
                            json.array("tool_calls") { json in for call in toolCalls { writeCall(call, index: nil, to: &json) } }
                        }
                    }
                    json.nullField("logprobs")
                    json.field("finish_reason", finishReason)
                }
            }
            usage.write(&json)
            if calls != nil || !serverCalls.isEmpty {
                json.object("augserve") { json in
                    if let calls {
                        json.field("calls", calls.callCount)
                        json.field("returned_tokens", calls.returnedTokens)
                        json.field("call_seconds", calls.callSeconds)
                        json.field("preemptions", calls.preemptions)
                        json.field("swapped_blocks", calls.swappedBlocks)
                    }
                    if !serverCalls.isEmpty { json.array("tool_calls") { json in for call in serverCalls { call.write(&json) } } }
                }
            }
        }
        return json.bytes
    }

    static func writeCall(_ call: ToolCall, index: Int?, to json: inout JSONWriter) {
        json.object { json in
            if let index { json.field("index", index) }
            json.field("id", call.id)
            json.field("type", "function")
            json.object("function") { json in
                json.field("name", call.name)
                json.field("arguments", call.arguments)
            }
        }
    }

    /// The chunks announcing a call in a stream: the first carries `id`, `type` and `name` with empty
    /// arguments, the second appends the arguments (what clients reassemble by `index`).
    public static func toolCallChunks(_ header: ResponseHeader, call: ToolCall, index: Int, role: Bool, includeUsageNull: Bool) -> [[UInt8]] {
        func chunk(_ delta: (inout JSONWriter) -> Void) -> [UInt8] {
            var json = JSONWriter()
            json.object { json in
                header.write(&json, object: "chat.completion.chunk")
                json.array("choices") { json in
                    json.object { json in
                        json.field("index", 0)
                        json.object("delta", delta)
                        json.nullField("logprobs")
                        json.nullField("finish_reason")
                    }
                }
                if includeUsageNull { json.nullField("usage") }
            }
            return json.bytes
        }
        let opening = chunk { json in
            if role { json.field("role", "assistant") }
            json.array("tool_calls") { json in
                json.object { json in
                    json.field("index", index)
                    json.field("id", call.id)
                    json.field("type", "function")
                    json.object("function") { json in
                        json.field("name", call.name)
                        json.field("arguments", "")
                    }
                }
            }
        }
        let arguments = chunk { json in
            json.array("tool_calls") { json in
                json.object { json in
                    json.field("index", index)
                    json.object("function") { $0.field("arguments", call.arguments) }
                }
            }
        }
        return [opening, arguments]
    }

    /// A stream chunk with an empty delta that reports a server-side call's result in the
    /// `augserve` extension (ignored by OpenAI clients; the choice is there so that client code
    /// reading `choices[0]` of every chunk keeps working).
    public static func serverToolChunk(_ header: ResponseHeader, call: ServerToolCall, includeUsageNull: Bool) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            header.write(&json, object: "chat.completion.chunk")
            json.array("choices") { json in
                json.object { json in
                    json.field("index", 0)
                    json.object("delta") { _ in }
                    json.nullField("logprobs")
                    json.nullField("finish_reason")
                }
            }
            if includeUsageNull { json.nullField("usage") }
            json.object("augserve") { json in json.array("tool_results") { json in call.write(&json) } }
        }
        return json.bytes
    }
}
