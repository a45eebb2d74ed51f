import Foundation
import StructuredOutput

/// An independent check of a parsed JSON value (from `JSONSerialization`) against a schema of
/// the supported subset, written from the JSON-Schema rules and sharing no code with the
/// compiler. Returns the first violation, or nil.
enum SchemaValidator {
    static func violation(_ value: Any, _ schema: JSONValue, path: String = "$") -> String? {
        guard case .object(let keywords) = schema else { return "\(path): schema is not an object" }
        if case .array(let alternatives)? = keywords["anyOf"] {
            let passing = alternatives.contains { violation(value, $0, path: path) == nil }
            return passing ? nil : "\(path): no anyOf alternative matches"
        }
        if let constant = keywords["const"], !equal(value, constant) { return "\(path): not the const" }
        if case .array(let values)? = keywords["enum"], !values.contains(where: { equal(value, $0) }) {
            return "\(path): not in the enum"
        }
        if let type = keywords["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            guard names.contains(where: { hasType(value, $0) }) else { return "\(path): not of type \(names)" }
        }
        if let text = value as? String { return stringViolation(text, keywords, path) }
        if let number = value as? NSNumber, !isBoolean(number) { return numberViolation(number.doubleValue, keywords, path) }
        if let items = value as? [Any] { return arrayViolation(items, keywords, path) }
        if let members = value as? [String: Any] { return objectViolation(members, keywords, path) }
        return nil
    }

    private static func stringViolation(_ text: String, _ keywords: JSONObject, _ path: String) -> String? {
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.numberValue, Double(length) < minimum { return "\(path): shorter than minLength" }
        if let maximum = keywords["maxLength"]?.numberValue, Double(length) > maximum { return "\(path): longer than maxLength" }
        return nil
    }

    private static func numberViolation(_ number: Double, _ keywords: JSONObject, _ path: String) -> String? {
        if let bound = keywords["minimum"]?.numberValue, number < bound { return "\(path): \(number) < minimum" }
        if let bound = keywords["maximum"]?.numberValue, number > bound { return "\(path): \(number) > maximum" }
        if let bound = keywords["exclusiveMinimum"]?.numberValue, number <= bound { return "\(path): \(number) <= exclusiveMinimum" }
        if let bound = keywords["exclusiveMaximum"]?.numberValue, number >= bound { return "\(path): \(number) >= exclusiveMaximum" }
        return nil
    }

    private static func arrayViolation(_ items: [Any], _ keywords: JSONObject, _ path: String) -> String? {
        if let minimum = keywords["minItems"]?.numberValue, Double(items.count) < minimum { return "\(path): fewer than minItems" }
        if let maximum = keywords["maxItems"]?.numberValue, Double(items.count) > maximum { return "\(path): more than maxItems" }
        guard let itemSchema = keywords["items"] else { return nil }
        for (index, item) in items.enumerated() {
            if let problem = violation(item, itemSchema, path: "\(path)[\(index)]") { return problem }
        }
        return nil
    }

    private static func objectViolation(_ members: [String: Any], _ keywords: JSONObject, _ path: String) -> String? {
        let properties = keywords["properties"]?.objectValue ?? JSONObject()
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            return "\(path): missing required '\(name)'"
        }
        if keywords["additionalProperties"] == .bool(false), let extra = members.keys.first(where: { properties[$0] == nil }) {
            return "\(path): unexpected property '\(extra)'"
        }
        for (name, member) in members {
            guard let schema = properties[name] else { continue }
            if let problem = violation(member, schema, path: "\(path).\(name)") { return problem }
        }
        return nil
    }

    static func hasType(_ value: Any, _ name: String) -> Bool {
        switch name {
        case "null": return value is NSNull
        case "boolean": return (value as? NSNumber).map(isBoolean) ?? false
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        case "number": return (value as? NSNumber).map { !isBoolean($0) } ?? false
        case "integer":
            guard let number = value as? NSNumber, !isBoolean(number) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        default: return false
        }
    }

    /// Foundation on Linux parses `true`/`false` as its boolean NSNumber subclass.
    static func isBoolean(_ number: NSNumber) -> Bool { String(describing: type(of: number)).contains("Boolean") }

    /// JSON equality between a parsed value and a schema value (objects ignore member order).
    static func equal(_ value: Any, _ expected: JSONValue) -> Bool {
        switch expected {
        case .null: return value is NSNull
        case .bool(let flag): return (value as? NSNumber).map { isBoolean($0) && $0.boolValue == flag } ?? false
        case .number(let number): return (value as? NSNumber).map { !isBoolean($0) && $0.doubleValue == number } ?? false
        case .string(let text): return (value as? String) == text
        case .array(let items):
            guard let actual = value as? [Any], actual.count == items.count else { return false }
            return zip(actual, items).allSatisfy { equal($0, $1) }
        case .object(let object):
            guard let actual = value as? [String: Any], actual.count == object.count else { return false }
            return object.members.allSatisfy { member in actual[member.key].map { equal($0, member.value) } ?? false }
        }
    }
}
