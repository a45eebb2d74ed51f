import Foundation

/// The built-in `calculator`: evaluates `{"expression": "..."}` with `ExpressionParser` and
/// returns the number (integers without a fraction, others with up to 12 significant digits).
public struct CalculatorTool: Tool {
    public let name: String
    public let description = "Evaluates an arithmetic expression: + - * / ^, parentheses, decimals, sqrt, ln, log, exp, sin, cos, tan, abs, floor, ceil, round, min, max, pi, e."
    public let parametersSchema = #"{"type":"object","properties":{"expression":{"type":"string","description":"The expression, e.g. (2+3)*4^2"}},"required":["expression"]}"#

    public init(name: String = "calculator") { self.name = name }

    public func call(arguments: String) async throws(ToolError) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) as? [String: Any] else {
            throw .invalidArguments("expected a JSON object with an 'expression' string")
        }
        let expression: String
        if let text = object["expression"] as? String {
            expression = text
        } else if let number = object["expression"] as? NSNumber {
            expression = number.stringValue
        } else {
            throw .invalidArguments("missing the 'expression' string")
        }
        do {
            return Self.format(try ExpressionParser.evaluate(expression))
        } catch {
            throw .failed("cannot evaluate '\(expression.prefix(80))': \(error)")
        }
    }

    /// `12`, `0.5`, `3.14159265359`, `1.5e+21`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.12g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
