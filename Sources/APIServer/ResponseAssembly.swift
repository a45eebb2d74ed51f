import EngineRuntime
import OpenAIProtocol
import ServingCore
import Tokenization
import Tools

/// Follows one request's events and builds its answer: content, client-side tool calls, the
/// server-side calls it ran, the token ids generated; runs server-side tools when the engine pauses
/// the request for one, and hands their results back as a `tool` turn.
struct ResponseAssembly {
    let engine: EngineService
    let ticket: Ticket
    let model: ServedModel
    let registry: ToolRegistry
    private(set) var content = ""
    private(set) var clientCalls: [ToolCall] = []
    private(set) var serverCalls: [ServerToolCall] = []
    private(set) var generated: [TokenID] = []
    private var pendingServerCall: ToolCall?
    /// The response ends on text it does not return, so its tokens do not describe its message.
    private var cut = false

    init(engine: EngineService, ticket: Ticket, model: ServedModel, registry: ToolRegistry) {
        self.engine = engine
        self.ticket = ticket
        self.model = model
        self.registry = registry
    }

    /// What an event adds, for a stream to write.
    enum Delta {
        case none
        case text(String)
        case clientCall(ToolCall, index: Int)
        case serverResult(ServerToolCall)
    }

    /// Folds one event in. A pause for a server-side call runs the tool (awaiting it) and returns
    /// its result to the engine; a failure that must fail the request throws.
    mutating func absorb(_ event: RequestEvent) async throws(APIError) -> Delta {
        switch event {
        case .token(let token, let text):
            generated.append(token)
            content += text
            return text.isEmpty ? .none : .text(text)
        case .annotation(let note):
            if note == TextProcessor.cutNote {
                cut = true
                return .none
            }
            guard let call = CallNote(note) else { return .none }
            if call.serverSide {
                pendingServerCall = call.call
                return .none
            }
            clientCalls.append(call.call)
            return .clientCall(call.call, index: clientCalls.count - 1)
        case .paused:
            guard let call = pendingServerCall else { return .none }
            pendingServerCall = nil
            let result = try await run(call)
            serverCalls.append(result)
            return .serverResult(result)
        case .resumed, .finished, .suspended, .failed:
            return .none
        }
    }

    /// Runs a server-side call; its result (or, by default, its error) goes back to the model as a
    /// `tool` turn and generation resumes.
    private func run(_ call: ToolCall) async throws(APIError) -> ServerToolCall {
        var result: String
        var failed = false
        if let tool = registry[call.name] {
            do {
                result = try await tool.call(arguments: call.arguments)
            } catch {
                failed = true
                result = Self.errorResult(error.description)
            }
        } else {
            failed = true
            result = Self.errorResult("no tool named \(call.name)")
        }
        if failed, registry.failsRequestOnError {
            engine.abort(ticket)
            throw APIError(status: .badGateway, message: "the tool '\(call.name)' failed: \(result)", type: "ToolError")
        }
        result = String(result.prefix(Self.maxResultCharacters))
        engine.callReturned(ticket, tokens: Self.toolTurn(result, tokenizer: model.tokenizer))
        return ServerToolCall(call: call, result: result, failed: failed)
    }

    static let maxResultCharacters = 16_384

    static func errorResult(_ message: String) -> String {
        var json = JSONWriter()
        json.object { $0.field("error", message) }
        return json.text
    }

    /// The tokens that close the assistant's call turn, hold the result as a `tool` turn, and open the
    /// assistant's next turn — as `ConversationRenderer` renders the same conversation. The result is
    /// tokenized without special tokens: a tool cannot inject turn markers.
    static func toolTurn(_ result: String, tokenizer: Tokenizer) -> [TokenID] {
        tokenizer.encode("<|im_end|>\n<|im_start|>tool\n", parseSpecial: true) + tokenizer.encode(result, parseSpecial: false)
            + tokenizer.encode("<|im_end|>\n<|im_start|>assistant\n", parseSpecial: true)
    }

    /// Text the processor still held back when the request ended.
    mutating func append(_ rest: String) { content += rest }

    /// OpenAI's finish reason: `tool_calls` when the client has calls to run.
    func finishReason(_ summary: RequestSummary) -> String {
        clientCalls.isEmpty ? ResponseWriter.finishReason(summary.finishReason) : "tool_calls"
    }

    /// Remembers the tokens of a clean answer, so the conversation sent back re-renders exactly.
    func remember(in cache: GenerationCache, finishReason: FinishReason) {
        guard !cut, serverCalls.isEmpty, finishReason == .stop else { return }
        var tokens = generated
        if let last = tokens.last, model.stopTokenIDs.contains(last) { tokens.removeLast() }
        let text = content + clientCalls.map { ConversationRenderer.callText(name: $0.name, arguments: $0.arguments) }.joined()
        cache.store(tokens, for: text)
    }
}
