/// Reading keyword values, with errors that name the keyword and the path.
extension JSONSchemaCompiler {
    /// A non-negative integer keyword (`minLength`, `maxItems` ...), at most
    /// `GrammarLimits.maxExplicitBound`.
    func count(_ object: JSONObject, _ keyword: String, _ path: SchemaPath) throws(JSONSchemaError) -> Int? {
        guard let value = object[keyword] else { return nil }
        guard let number = value.numberValue, number.rounded() == number, number >= 0 else {
            throw .invalidValue(keyword: keyword, path: path.description, reason: "must be a non-negative integer, found \(value.jsonText)")
        }
        guard number <= Double(GrammarLimits.maxExplicitBound) else {
            throw .invalidValue(keyword: keyword, path: path.description, reason: "\(value.jsonText) exceeds \(GrammarLimits.maxExplicitBound)")
        }
        return Int(number)
    }

    /// `additionalProperties`: true when it is `false`.
    func additionalPropertiesForbidden(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> Bool {
        switch object["additionalProperties"] {
        case nil, .bool(true)?: return false
        case .bool(false)?: return true
        default:
            throw .invalidValue(keyword: "additionalProperties", path: path.description, reason: "only true or false is supported")
        }
    }

    /// `required`: a list of property names.
    func requiredNames(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) -> [String] {
        guard let value = object["required"] else { return [] }
        guard case .array(let items) = value else {
            throw .invalidValue(keyword: "required", path: path.description, reason: "must be an array of property names")
        }
        var names: [String] = []
        for item in items {
            guard let name = item.stringValue else {
                throw .invalidValue(keyword: "required", path: path.description, reason: "must be an array of property names")
            }
            names.append(name)
        }
        return names
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` of one schema.
struct NumericBounds {
    var lower = -Double.infinity
    var upper = Double.infinity
    var lowerIsExclusive = false
    var upperIsExclusive = false

    var isBounded: Bool { lower.isFinite || upper.isFinite }

    init(_ object: JSONObject, path: SchemaPath) throws(JSONSchemaError) {
        for keyword in ["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"] {
            guard let value = object[keyword] else { continue }
            guard let number = value.numberValue else {
                throw .invalidValue(keyword: keyword, path: path.description, reason: "must be a number, found \(value.jsonText)")
            }
            let exclusive = keyword.hasPrefix("exclusive")
            if keyword == "minimum" || keyword == "exclusiveMinimum" {
                if number > lower || (number == lower && exclusive) { (lower, lowerIsExclusive) = (number, exclusive) }
            } else if number < upper || (number == upper && exclusive) {
                (upper, upperIsExclusive) = (number, exclusive)
            }
        }
    }

    /// The integers in bounds, clamped to the digit cap.
    func integerRule(path: SchemaPath, allowsFraction: Bool) throws(JSONSchemaError) -> IntegerRule {
        let largest = Double(IntegerRule.largestMagnitude)
        var low = lowerIsExclusive ? lower.rounded(.down) + 1 : lower.rounded(.up)
        var high = upperIsExclusive ? upper.rounded(.up) - 1 : upper.rounded(.down)
        low = max(low, -largest)
        high = min(high, largest)
        guard low <= high else {
            let what = allowsFraction ? "no integer part in range (a bounded number needs one)" : "no integer in range"
            throw .unsatisfiable(path: path.description, reason: "\(what) within ±\(IntegerRule.largestMagnitude)")
        }
        return IntegerRule(
            minimum: Int64(low), maximum: Int64(high), allowsFraction: allowsFraction, lowerBound: lower, upperBound: upper)
    }
}
