import EngineRuntime
import Foundation
import OpenAIProtocol
import ServingCore
import Tokenization

/// How a request's tool calls are handled, when it offers tools.
struct ToolHandling: Sendable {
    /// Names the server runs itself (declared in its configuration and offered in this request).
    var serverTools: Set<String>
    /// Server-side calls one request may make; past it a call is returned to the client.
    var maxServerRounds: Int
    /// More than one client-side call per response.
    var parallelCalls: Bool
    /// A response ending in client-side calls leaves its request paused as a session (policies
    /// that hold contexts through calls: infercept, augserve); otherwise it finishes.
    var keepsSessions: Bool
    /// The stop tokens, which the processor handles itself (the engine is told to ignore them) so
    /// that a stop right after a call can suspend the request instead of finishing it.
    var stopTokenIDs: Set<TokenID>
}

/// A call the processor found, passed to the HTTP layer as an annotation.
struct CallNote: Sendable, Equatable {
    var call: ToolCall
    var serverSide: Bool

    var text: String {
        var json = JSONWriter()
        json.object { json in
            json.field("id", call.id)
            json.field("name", call.name)
            json.field("arguments", call.arguments)
            json.field("server", serverSide)
        }
        return json.text
    }

    init(call: ToolCall, serverSide: Bool) {
        self.call = call
        self.serverSide = serverSide
    }

    init?(_ text: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
            let id = object["id"] as? String, let name = object["name"] as? String, let arguments = object["arguments"] as? String,
            let server = object["server"] as? Bool
        else { return nil }
        self.init(call: ToolCall(id: id, name: name, arguments: arguments), serverSide: server)
    }
}

/// The server's `OutputProcessor`: detokenizes as tokens arrive (never half a character), ends the
/// request at the first stop string (never emitted), and — when the request offers tools — finds
/// tool calls in the text: a call to a server-side tool pauses the request in the engine (a live
/// interception) while the HTTP layer runs it; a client-side call ends the response (after
/// further calls, with `parallel_tool_calls`). Runs on the engine thread.
final class TextProcessor: OutputProcessor {
    private var decoder: StreamingDecoder
    private var filter: StopStringFilter
    private var parser: ToolCallParser?
    private let tools: ToolHandling?
    private var serverRounds = 0
    private var constraint: ConstraintState?
    /// The text of a call being generated under an enforced-call grammar.
    private var enforcedText = ""
    /// A client-side call was made: only further calls (and spacing) may follow.
    private var afterClientCall = false
    private var firstClientCall = ""

    /// The response ends in client-side calls: a session waits for the follow-up, or it finishes.
    private func endAfterCalls() -> OutputAction {
        tools?.keepsSessions == true ? .suspend(CallDescriptor(name: "client:" + firstClientCall)) : .finish(.stop)
    }

    init(tokenizer: Tokenizer, stops: [String], tools: ToolHandling?, constraint: ConstraintState? = nil) {
        decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
        filter = StopStringFilter(stops: stops)
        self.tools = tools
        parser = tools == nil ? nil : ToolCallParser()
        self.constraint = constraint
    }

    func allowedTokens() -> TokenBitmask? { constraint?.allowed() }

    func process(_ token: TokenID) -> OutputStep {
        guard var state = constraint else { return processFree(token) }
        if !state.advance(token) {
            constraint = nil  // cannot happen under the mask; fail open rather than wedge
            return processFree(token)
        }
        constraint = state
        switch state.scope {
        case .response:
            var step = processFree(token)
            if state.matcher.isComplete, step.action == .proceed { step.action = .finish(.stop) }
            return step
        case .toolCall:
            return processEnforcedCall(token, complete: state.matcher.isComplete)
        }
    }

    /// An enforced call is read by the grammar, not searched for in the text: its arguments may
    /// hold any string, `</tool_call>` included, and the call ends exactly when the grammar does.
    private func processEnforcedCall(_ token: TokenID, complete: Bool) -> OutputStep {
        enforcedText += (try? decoder.append(token)) ?? ""
        guard complete else { return OutputStep(text: "") }
        constraint = nil  // what follows the call (after a server-side result) is free
        enforcedText += decoder.finish()
        let body = enforcedText.dropFirst(ToolCallParser.open.count).dropLast(ToolCallParser.close.count)
        enforcedText = ""
        guard let (name, arguments) = ToolCallParser.parse(String(body)) else { return OutputStep(text: "", action: .finish(.stop)) }
        var step = OutputStep(text: "")
        _ = handleCall(name: name, arguments: arguments, into: &step)
        if step.action == .proceed { step.action = endAfterCalls() }
        return step
    }

    private func processFree(_ token: TokenID) -> OutputStep {
        if let tools, tools.stopTokenIDs.contains(token) {
            return OutputStep(text: "", action: afterClientCall ? endAfterCalls() : .finish(.stop))
        }
        let piece = (try? decoder.append(token)) ?? ""
        let text = filter.feed(piece)
        var step = handle(text)
        if filter.stopped, step.action == .proceed {
            step.action = .finish(.stop)
            step.annotations.append(Self.cutNote)
        }
        return step
    }

    private func handle(_ text: String) -> OutputStep {
        guard var parser, let tools else { return OutputStep(text: text) }
        defer { self.parser = parser }
        var step = OutputStep(text: "")
        for event in parser.feed(text) {
            switch event {
            case .text(let content):
                if afterClientCall {
                    if content.allSatisfy(\.isWhitespace) { continue }
                    step.action = .finish(.stop)
                    step.annotations.append(Self.cutNote)
                    return step
                }
                step.text += content
            case .call(let name, let arguments):
                if handleCall(name: name, arguments: arguments, into: &step) {
                    if step.action.isIntercept { parser = ToolCallParser() }  // the resumed turn starts afresh
                    return step
                }
            }
        }
        return step
    }

    /// A call the model made: a server-side tool pauses the request (its result comes back as a
    /// tool turn); a client-side one is returned, ending the response unless more calls may follow.
    /// Returns true when the step ends the token's processing.
    private func handleCall(name: String, arguments: String, into step: inout OutputStep) -> Bool {
        guard let tools else { return false }
        let call = ToolCall(id: Self.callID(), name: name, arguments: arguments)
        if !afterClientCall, tools.serverTools.contains(name), serverRounds < tools.maxServerRounds {
            serverRounds += 1
            step.annotations.append(CallNote(call: call, serverSide: true).text)
            step.action = .intercept(CallDescriptor(name: name))
            return true
        }
        step.annotations.append(CallNote(call: call, serverSide: false).text)
        if !afterClientCall { firstClientCall = name }
        afterClientCall = true
        guard !tools.parallelCalls else { return false }
        step.action = endAfterCalls()
        return true
    }

    func finish(reason: FinishReason) -> String {
        guard !filter.stopped else { return "" }
        let rest = filter.feed(decoder.finish()) + filter.finish()
        guard var parser else { return rest }
        var text = ""
        for event in parser.feed(rest) + parser.finish() {
            if case .text(let content) = event, !afterClientCall { text += content }
        }
        self.parser = parser
        return text
    }

    /// Annotation: the response ends on text it does not return (a stop string, text after a call).
    static let cutNote = "cut"

    static func callID() -> String {
        "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }
}

struct TextProcessorFactory: OutputProcessorFactory {
    let model: ServedModel
    let stops: [String]
    var tools: ToolHandling?
    var constraint: OutputConstraint?

    func makeProcessor() -> any OutputProcessor {
        let state = constraint.map {
            ConstraintState($0, trie: model.trie, stopTokens: model.stopTokenIDs, vocabularySize: model.vocabularySize)
        }
        return TextProcessor(tokenizer: model.tokenizer, stops: stops, tools: tools, constraint: state)
    }
}

extension OutputAction {
    var isIntercept: Bool {
        if case .intercept = self { return true }
        return false
    }
}
