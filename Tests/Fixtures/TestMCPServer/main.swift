// A tiny MCP server over stdio for the tool tests. Tools: `echo` {"text"} → the text; `add`
// {"a", "b"} → the sum; `fail` → an error result; `sleep` {"seconds"} → sleeps, then "slept";
// `crash` → exits at once with status 3, without answering.
//
// Arguments change its behaviour at start, to test the client's handling of bad servers:
// `--silent` reads its input but never answers (a handshake that times out); `--exit N` exits
// with status N before reading anything.
import Foundation
import MCP

let arguments = CommandLine.arguments.dropFirst()
if let index = arguments.firstIndex(of: "--exit") {
    let next = arguments.index(after: index)
    exit(next < arguments.endIndex ? Int32(arguments[next]) ?? 1 : 1)
}
if arguments.contains("--silent") {
    // Drain the input so the client's writes succeed, and answer nothing; end of input ends us.
    while let line = readLine() { _ = line }
    exit(0)
}

func schema(_ properties: [String: String]) -> Value {
    .object([
        "type": "object",
        "properties": .object(properties.mapValues { .object(["type": .string($0)]) }),
        "required": .array(properties.keys.sorted().map { .string($0) }),
    ])
}

let tools = [
    Tool(name: "echo", description: "Returns the text it is given.", inputSchema: schema(["text": "string"])),
    Tool(name: "add", description: "Adds two numbers.", inputSchema: schema(["a": "number", "b": "number"])),
    Tool(name: "fail", description: "Always fails.", inputSchema: schema([:])),
    Tool(name: "sleep", description: "Sleeps for some seconds.", inputSchema: schema(["seconds": "number"])),
    Tool(name: "crash", description: "Exits the server at once.", inputSchema: schema([:])),
]

func text(_ text: String, isError: Bool = false) -> CallTool.Result {
    CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: isError)
}

func number(_ value: Value?) -> Double? {
    switch value {
    case .int(let integer)?: Double(integer)
    case .double(let real)?: real
    default: nil
    }
}

/// `5`, `3.5`: integers without a fraction, like the calculator tool.
func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

let server = Server(name: "augserve-test-mcp", version: "1.0.0", capabilities: .init(tools: .init(listChanged: false)))
await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
await server.withMethodHandler(CallTool.self) { call in
    switch call.name {
    case "echo":
        guard let value = call.arguments?["text"]?.stringValue else { return text("echo needs a 'text' string", isError: true) }
        return text(value)
    case "add":
        guard let a = number(call.arguments?["a"]), let b = number(call.arguments?["b"]) else {
            return text("add needs numbers 'a' and 'b'", isError: true)
        }
        return text(format(a + b))
    case "fail":
        return text("the fail tool always fails", isError: true)
    case "sleep":
        let seconds = number(call.arguments?["seconds"]) ?? 1
        try await Task.sleep(for: .seconds(min(max(seconds, 0), 600)))
        return text("slept")
    case "crash":
        exit(3)
    default:
        throw MCPError.invalidParams("unknown tool '\(call.name)'")
    }
}
try await server.start(transport: StdioTransport())
await server.waitUntilCompleted()
