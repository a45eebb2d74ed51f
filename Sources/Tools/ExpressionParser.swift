import Foundation

/// Arithmetic with `+ - * / × ÷ % ^` (right-associative power), parentheses, decimals and
/// exponents (`1.5e3`), unary signs, the constants `pi` and `e`, and the functions `sqrt abs ln
/// log log2 exp sin cos tan floor ceil round min max`. A recursive-descent parser over the text:
/// nothing is ever evaluated as code. Bounded: at most 1,000 characters and 64 levels of nesting.
struct ExpressionParser {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case syntax(String, at: Int)
        case tooLong
        case tooDeep
        case domain(String)

        var description: String {
            switch self {
            case .syntax(let what, let at): "\(what) at character \(at + 1)"
            case .tooLong: "the expression is longer than 1000 characters"
            case .tooDeep: "the expression nests deeper than 64 levels"
            case .domain(let what): what
            }
        }
    }

    static let maxLength = 1000
    static let maxDepth = 64

    private let characters: [Character]
    private var position = 0
    private var depth = 0

    init(_ text: String) { characters = Array(text) }

    static func evaluate(_ text: String) throws(Failure) -> Double {
        guard text.count <= maxLength else { throw .tooLong }
        var parser = ExpressionParser(text)
        let value = try parser.expression()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else {
            throw .syntax("unexpected '\(parser.characters[parser.position])'", at: parser.position)
        }
        guard value.isFinite else { throw .domain("the result is not a finite number") }
        return value
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func peek() -> Character? {
        skipSpaces()
        return position < characters.count ? characters[position] : nil
    }

    private mutating func expression() throws(Failure) -> Double {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .tooDeep }
        var value = try term()
        while let next = peek(), next == "+" || next == "-" || next == "−" {
            position += 1
            let right = try term()
            value = next == "+" ? value + right : value - right
        }
        return value
    }

    private mutating func term() throws(Failure) -> Double {
        var value = try unary()
        while let next = peek(), "*×/÷%".contains(next) {
            position += 1
            let right = try unary()
            switch next {
            case "*", "×": value *= right
            case "%":
                guard right != 0 else { throw .domain("modulo by zero") }
                value = value.truncatingRemainder(dividingBy: right)
            default:
                guard right != 0 else { throw .domain("division by zero") }
                value /= right
            }
        }
        return value
    }

    /// Power binds tighter than a sign (`-2^2` is −4) and associates to the right; its exponent
    /// may carry a sign (`2^-1`).
    private mutating func power() throws(Failure) -> Double {
        let base = try primary()
        guard peek() == "^" else { return base }
        position += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .tooDeep }
        return Foundation.pow(base, try unary())
    }

    private mutating func unary() throws(Failure) -> Double {
        if let next = peek(), next == "-" || next == "+" || next == "−" {
            position += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw .tooDeep }
            let value = try unary()
            return next == "+" ? value : -value
        }
        return try power()
    }

    private mutating func primary() throws(Failure) -> Double {
        guard let next = peek() else { throw .syntax("the expression ends too early", at: position) }
        if next == "(" {
            position += 1
            let value = try expression()
            guard peek() == ")" else { throw .syntax("expected ')'", at: position) }
            position += 1
            return value
        }
        if next.isNumber || next == "." { return try number() }
        if next.isLetter { return try named() }
        throw .syntax("unexpected '\(next)'", at: position)
    }

    private mutating func number() throws(Failure) -> Double {
        let start = position
        while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
        if position < characters.count, characters[position] == "e" || characters[position] == "E" {
            var look = position + 1
            if look < characters.count, characters[look] == "+" || characters[look] == "-" { look += 1 }
            if look < characters.count, characters[look].isNumber {
                position = look
                while position < characters.count, characters[position].isNumber { position += 1 }
            }
        }
        let text = String(characters[start..<position])
        guard let value = Double(text) else { throw .syntax("malformed number '\(text)'", at: start) }
        return value
    }

    private mutating func named() throws(Failure) -> Double {
        let start = position
        while position < characters.count, characters[position].isLetter || characters[position].isNumber { position += 1 }
        let name = String(characters[start..<position]).lowercased()
        switch name {
        case "pi", "π": return Double.pi
        case "e": return M_E
        default: break
        }
        guard peek() == "(" else { throw .syntax("unknown name '\(name)'", at: start) }
        position += 1
        var arguments = [try expression()]
        while peek() == "," {
            position += 1
            arguments.append(try expression())
        }
        guard peek() == ")" else { throw .syntax("expected ')' after the arguments of \(name)", at: position) }
        position += 1
        return try Self.apply(name, arguments, at: start)
    }

    private static func apply(_ name: String, _ arguments: [Double], at position: Int) throws(Failure) -> Double {
        if name == "min" || name == "max" {
            return name == "min" ? arguments.min() ?? 0 : arguments.max() ?? 0
        }
        guard arguments.count == 1 else { throw .syntax("\(name) takes one argument, got \(arguments.count)", at: position) }
        let x = arguments[0]
        switch name {
        case "sqrt":
            guard x >= 0 else { throw .domain("sqrt of a negative number") }
            return x.squareRoot()
        case "abs": return abs(x)
        case "ln", "log", "log2", "log10":
            guard x > 0 else { throw .domain("\(name) of a number ≤ 0") }
            return name == "ln" ? Foundation.log(x) : name == "log2" ? Foundation.log2(x) : Foundation.log10(x)
        case "exp": return Foundation.exp(x)
        case "sin": return Foundation.sin(x)
        case "cos": return Foundation.cos(x)
        case "tan": return Foundation.tan(x)
        case "floor": return x.rounded(.down)
        case "ceil": return x.rounded(.up)
        case "round": return x.rounded()
        default: throw .syntax("unknown function '\(name)'", at: position)
        }
    }
}
