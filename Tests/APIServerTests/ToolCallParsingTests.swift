import Foundation
import ModelFiles
import OpenAIProtocol
import ServingCore
import Testing
import Tokenization
@testable import APIServer
@testable import EngineRuntime

/// The tool-call parser over text arriving in arbitrary pieces, the conversation renderer's
/// token-for-token guarantees, and the processor's decisions (intercept, suspend, finish).
@Suite struct ToolCallParsingTests {
    static let text = #"Let me check.<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}</tool_call>"#

    static func parse(_ pieces: [String]) -> [ToolCallParser.Event] {
        var parser = ToolCallParser()
        var events: [ToolCallParser.Event] = []
        for piece in pieces { events += parser.feed(piece) }
        events += parser.finish()
        return events
    }

    /// Concatenated text and the calls, whatever the split points.
    static func summary(_ events: [ToolCallParser.Event]) -> (String, [String]) {
        var text = ""
        var calls: [String] = []
        for event in events {
            switch event {
            case .text(let piece): text += piece
            case .call(let name, let arguments): calls.append("\(name)|\(arguments)")
            }
        }
        return (text, calls)
    }

    @Test func callsAreFoundWhateverTheSplit() {
        let characters = Array(Self.text)
        for cut in 1..<characters.count {
            let pieces = [String(characters[..<cut]), String(characters[cut...])]
            let (text, calls) = Self.summary(Self.parse(pieces))
            #expect(text == "Let me check.", "cut at \(cut)")
            #expect(calls == [#"get_weather|{"city": "Paris", "days": 2}"#], "cut at \(cut)")
        }
        let oneByOne = Self.summary(Self.parse(characters.map { String($0) }))
        #expect(oneByOne.1.count == 1 && oneByOne.0 == "Let me check.")
    }

    @Test func heldBackPrefixesAndMalformedCalls() {
        var parser = ToolCallParser()
        #expect(parser.feed("a <tool") == [.text("a ")])  // "<tool" may open a call: held back
        #expect(parser.feed("box>") == [.text("<toolbox>")])
        let malformed = #"<tool_call>{"name": 5}</tool_call> done"#
        #expect(Self.summary(Self.parse([malformed])).0 == malformed)
        #expect(Self.summary(Self.parse([#"<tool_call>not json</tool_call>"#])).1.isEmpty)
        let unfinished = #"<tool_call>{"name":"x","arg"#
        #expect(Self.summary(Self.parse([unfinished])) == (unfinished, []))
        let stringArguments = #"<tool_call>{"name":"calc","arguments":"{\"expression\":\"1+1\"}"}</tool_call>"#
        #expect(Self.summary(Self.parse([stringArguments])).1 == [#"calc|{"expression":"1+1"}"#])
        let two = #"<tool_call>{"name":"a","arguments":{}}</tool_call> <tool_call>{"name":"b","arguments":{"x":[1,{"y":"}"}]}}</tool_call>"#
        #expect(Self.summary(Self.parse([two])).1 == ["a|{}", #"b|{"x":[1,{"y":"}"}]}"#])
    }

    @Test func spansKeepTheModelsSpelling() {
        #expect(JSONSpan.value(ofKey: "arguments", in: #"{"name":"n","arguments": {"a" : 1.50e1, "b":"x\"}"}}"#) == #"{"a" : 1.50e1, "b":"x\"}"}"#)
        #expect(JSONSpan.value(ofKey: "arguments", in: #"{"nested":{"arguments":1},"arguments":[true]}"#) == "[true]")
        #expect(JSONSpan.value(ofKey: "missing", in: #"{"a":1}"#) == nil)
    }
}

/// With the real tokenizer.
@Suite(.enabled(if: LiveServer.modelInstalled, "model not installed: run `bash scripts/setup.sh`"))
struct ToolRenderingTests {
    static let tokenizer = Result { () throws -> Tokenizer in
        let file = try ModelFiles.GGUFFile(path: LiveServer.modelPath)
        return try Tokenizer(file: file)
    }

    static func model() throws -> ServedModel {
        ServedModel(name: "m", root: "r", tokenizer: try tokenizer.get(), template: .chatML, maxContextLength: 2048)
    }

    typealias Message = ChatCompletionRequest.Message

    /// Without tools, message-by-message encoding equals the template's text encoded whole.
    @Test func plainConversationsEncodeAsTheTemplate() throws {
        let model = try Self.model()
        let renderer = ConversationRenderer(model: model, cache: GenerationCache())
        let conversations: [[Message]] = [
            [Message(role: "user", content: "What is the capital of France?")],
            [Message(role: "system", content: "Be brief."), Message(role: "user", content: "Hi\n\nthere"), Message(role: "assistant", content: " Hello!"), Message(role: "user", content: "again")],
        ]
        for messages in conversations {
            let chat = messages.map { ChatMessage(role: ChatRole(rawValue: $0.role), content: $0.content) }
            let whole = model.tokenizer.encode(model.template.render(messages: chat, addGenerationPrompt: true), parseSpecial: true)
            #expect(try renderer.tokens(messages, tools: []) == whole)
        }
    }

    /// A conversation sent back with this server's answer re-renders with the very tokens the model
    /// generated — even when they are not the tokenizer's own segmentation of the text — so the
    /// follow-up's prompt extends the first request's context token for token.
    @Test func followUpsExtendTheGeneratedContext() throws {
        let model = try Self.model()
        let cache = GenerationCache()
        let renderer = ConversationRenderer(model: model, cache: cache)
        let tools = [OfferedTool(name: "get_weather", description: "Weather", parameters: #"{"type":"object"}"#, serverSide: false)]
        let first = [Message(role: "user", content: "Weather in Paris?")]
        let prompt = try renderer.tokens(first, tools: tools)
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)
        let callText = ConversationRenderer.callText(name: call.name, arguments: call.arguments)
        // A segmentation the tokenizer would not produce: one token per character.
        let generated = try callText.map { character in try #require(model.tokenizer.encode(String(character)).first) }
        #expect(generated != model.tokenizer.encode(callText))
        cache.store(generated, for: callText)
        let followUp = first + [Message(role: "assistant", content: "", toolCalls: [call]), Message(role: "tool", content: "18°C", toolCallID: "call_1")]
        let tokens = try renderer.tokens(followUp, tools: tools)
        #expect(tokens.starts(with: prompt + generated))
        #expect(tokens.count > prompt.count + generated.count)
        // Not cached: re-tokenized, and the prefix breaks where the segmentations differ.
        let fresh = try ConversationRenderer(model: model, cache: GenerationCache()).tokens(followUp, tools: tools)
        #expect(!fresh.starts(with: prompt + generated))
        #expect(fresh.starts(with: prompt))
    }

    /// The processor over the tokens of an answer: a server-side call intercepts, a client-side one
    /// suspends (or finishes without sessions), and text around calls is content.
    @Test func processorDecisions() throws {
        let model = try Self.model()
        let stops = Set(model.stopTokenIDs)
        func run(_ text: String, server: Set<String>, sessions: Bool, parallel: Bool = false) throws -> [OutputStep] {
            let processor = TextProcessor(
                tokenizer: model.tokenizer, stops: [],
                tools: ToolHandling(serverTools: server, maxServerRounds: 2, parallelCalls: parallel, keepsSessions: sessions, stopTokenIDs: stops))
            var steps: [OutputStep] = []
            for token in model.tokenizer.encode(text) + [try #require(model.stopTokenIDs.first)] {
                let step = processor.process(token)
                steps.append(step)
                if step.action != .proceed { break }
            }
            return steps
        }
        let text = #"Sure.<tool_call>{"name":"calculator","arguments":{"expression":"2+2"}}</tool_call>"#
        let server = try run(text, server: ["calculator"], sessions: true)
        #expect(server.last?.action == .intercept(CallDescriptor(name: "calculator")))
        #expect(server.map(\.text).joined() == "Sure.")
        let note = try #require(server.last?.annotations.compactMap(CallNote.init).first)
        #expect(note.serverSide && note.call.arguments == #"{"expression":"2+2"}"#)
        let client = try run(text, server: [], sessions: true)
        #expect(client.last?.action == .suspend(CallDescriptor(name: "client:calculator")))
        #expect(try run(text, server: [], sessions: false).last?.action == .finish(.stop))
        // With parallel calls the response goes on to the stop token, then suspends.
        let parallel = try run(text, server: [], sessions: true, parallel: true)
        #expect(parallel.last?.action == .suspend(CallDescriptor(name: "client:calculator")))
        #expect(try run("No tools needed.", server: [], sessions: true).last?.action == .finish(.stop))
    }
}
