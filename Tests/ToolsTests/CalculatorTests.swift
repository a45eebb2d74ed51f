import Foundation
import Testing
@testable import Tools

@Suite struct CalculatorTests {
    @Test("evaluates", arguments: [
        ("1+2*3", "7"), ("(1+2)*3", "9"), ("2^3^2", "512"), ("-2^2", "-4"), ("2 × 3 ÷ 4", "1.5"), ("10 % 4", "2"),
        ("sqrt(16) + abs(-2)", "6"), ("max(1, 7, 3) - min(4, 2)", "5"), ("round(2.5) + floor(1.9) + ceil(1.1)", "6"), ("2^-1", "0.5"), ("-(3)", "-3"),
        ("1.5e3 / 3", "500"), ("pi", "3.14159265359"), ("ln(e)", "1"), ("log(1000)", "3"), ("0.1+0.2", "0.3"), ("−3 + 5", "2"),
    ])
    func evaluates(_ expression: String, _ expected: String) async throws {
        let result = try await CalculatorTool().call(arguments: #"{"expression":"\#(expression)"}"#)
        #expect(result == expected)
    }

    @Test("refuses", arguments: [
        ("1/0", "division by zero"), ("2+", "ends too early"), ("2 3", "unexpected '3'"), ("foo(2)", "unknown function"),
        ("sqrt(-1)", "negative"), ("(1+2", "expected ')'"), ("x", "unknown name"), ("1e999", "finite"), ("", "ends too early"),
        ("import os", "unknown name"), ("__import__('os')", "unexpected '_'"),
    ])
    func refuses(_ expression: String, _ mention: String) async {
        await #expect(throws: ToolError.self) { try await CalculatorTool().call(arguments: #"{"expression":"\#(expression)"}"#) }
        do {
            _ = try await CalculatorTool().call(arguments: #"{"expression":"\#(expression)"}"#)
        } catch {
            #expect(error.description.contains(mention), "\(error)")
        }
    }

    @Test func boundsAndArguments() async {
        let deep = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        await #expect(throws: ToolError.self) { try await CalculatorTool().call(arguments: #"{"expression":"\#(deep)"}"#) }
        let long = Array(repeating: "1", count: 600).joined(separator: "+")
        await #expect(throws: ToolError.self) { try await CalculatorTool().call(arguments: #"{"expression":"\#(long)"}"#) }
        await #expect(throws: ToolError.invalidArguments("missing the 'expression' string")) {
            try await CalculatorTool().call(arguments: #"{"expr":"1"}"#)
        }
        await #expect(throws: ToolError.self) { try await CalculatorTool().call(arguments: "not json") }
        let numeric = try? await CalculatorTool().call(arguments: #"{"expression":42}"#)
        #expect(numeric == "42")
    }
}
