import Foundation

/// Finds tool calls in the model's text as it streams: `<tool_call>{"name": …, "arguments": {…}}</tool_call>`
/// (the Hermes / Qwen convention vLLM's `hermes` parser reads). Text outside calls is content;
/// text that could still be the start of an opening tag is held back until the next piece decides.
/// A call whose body is not a JSON object with a string `name` and an object `arguments` is
/// returned as content, tags and all — malformed output never fails a request.
struct ToolCallParser {
    static let open = "<tool_call>"
    static let close = "</tool_call>"

    enum Event: Equatable {
        case text(String)
        /// A well-formed call; `arguments` is the arguments' JSON text exactly as written.
        case call(name: String, arguments: String)
    }

    private var buffer = ""
    private var insideCall = false
    /// Characters a call's body may have before it is given up on as malformed.
    static let maxCallLength = 32_768

    var isInsideCall: Bool { insideCall }

    mutating func feed(_ piece: String) -> [Event] {
        buffer += piece
        var events: [Event] = []
        while true {
            if insideCall {
                guard let end = buffer.range(of: Self.close) else {
                    if buffer.count > Self.maxCallLength {
                        events.append(.text(Self.open + buffer))
                        buffer = ""
                        insideCall = false
                    }
                    return events
                }
                let body = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                insideCall = false
                events.append(Self.parse(body).map { .call(name: $0.name, arguments: $0.arguments) } ?? .text(Self.open + body + Self.close))
            } else {
                if let start = buffer.range(of: Self.open) {
                    let before = String(buffer[..<start.lowerBound])
                    if !before.isEmpty { events.append(.text(before)) }
                    buffer = String(buffer[start.upperBound...])
                    insideCall = true
                    continue
                }
                let keep = Self.heldBackCount(buffer)
                let emit = String(buffer.dropLast(keep))
                if !emit.isEmpty { events.append(.text(emit)) }
                buffer = String(buffer.suffix(keep))
                return events
            }
        }
    }

    /// The end of the text: an unfinished call or a held-back prefix is content.
    mutating func finish() -> [Event] {
        defer {
            buffer = ""
            insideCall = false
        }
        let rest = (insideCall ? Self.open : "") + buffer
        return rest.isEmpty ? [] : [.text(rest)]
    }

    /// Characters at the end of `text` that are a proper prefix of the opening tag.
    static func heldBackCount(_ text: String) -> Int {
        for length in stride(from: min(open.count - 1, text.count), through: 1, by: -1) where open.hasPrefix(text.suffix(length)) {
            return length
        }
        return 0
    }

    /// `{"name": "...", "arguments": {...}}` → the name and the arguments' exact text.
    static func parse(_ body: String) -> (name: String, arguments: String)? {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any],
            let name = object["name"] as? String, !name.isEmpty
        else { return nil }
        if object["arguments"] is [String: Any], let text = JSONSpan.value(ofKey: "arguments", in: trimmed) {
            return (name, text)
        }
        // Some models write the arguments as a string holding JSON.
        if let text = object["arguments"] as? String, (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any] {
            return (name, text)
        }
        if object["arguments"] == nil { return (name, "{}") }
        return nil
    }
}

/// Finds the exact text of a top-level member's value in a JSON object, by scanning (strings and
/// nesting respected) — the parsed value would lose the model's spacing and number spelling.
enum JSONSpan {
    static func value(ofKey key: String, in object: String) -> String? {
        let bytes = Array(object.utf8)
        var index = 0
        var depth = 0
        let target = Array("\"\(key)\"".utf8)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let end = stringEnd(bytes, from: index)
                if depth == 1, Array(bytes[index..<min(end, bytes.count)]) == target {
                    var cursor = end
                    while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\n") { cursor += 1 }
                    guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") else { return nil }
                    cursor += 1
                    while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\n") { cursor += 1 }
                    let valueEnd = self.valueEnd(bytes, from: cursor)
                    guard valueEnd > cursor else { return nil }
                    return String(decoding: bytes[cursor..<valueEnd], as: UTF8.self)
                }
                index = end
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
            index += 1
        }
        return nil
    }

    /// The index just past the string starting at `start` (a quote).
    static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return bytes.count
    }

    /// The index just past the value starting at `start`.
    static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int {
        guard start < bytes.count else { return start }
        if bytes[start] == UInt8(ascii: "\"") { return stringEnd(bytes, from: start) }
        if bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
            var depth = 0, index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { index = stringEnd(bytes, from: index); continue }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return index + 1 }
                }
                index += 1
            }
            return bytes.count
        }
        var index = start
        while index < bytes.count, !",}] \n".utf8.contains(bytes[index]) { index += 1 }
        return index
    }
}
