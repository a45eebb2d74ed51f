/// Decoding through any `Decoder` (the OpenAI layer uses `JSONDecoder` for
/// `tools[].function.parameters` and `response_format.json_schema.schema`).
///
/// Foundation's `JSONDecoder` does not report an object's keys in source order (`allKeys` comes
/// from a dictionary; checked on swift-foundation 6.3), so decoded objects have their members
/// sorted by key, which makes the result deterministic. Property order decides generation order,
/// so callers that want the schema's own order parse the raw text with `JSONValue(parsing:)`.
extension JSONValue: Decodable {
    /// Decodes any JSON value; objects get their members sorted by key (see above).
    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: JSONCodingKey.self) {
            let keys = keyed.allKeys.sorted { $0.stringValue < $1.stringValue }
            var object = JSONObject()
            for key in keys {
                object.append(key.stringValue, try keyed.decode(JSONValue.self, forKey: key))
            }
            self = .object(object)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }
}

extension JSONValue: Encodable {
    /// Encodes members in stored order; non-finite numbers encode as `null`. Foundation's
    /// `JSONEncoder` does not keep that order on Linux (swift-foundation 6.3 writes objects in
    /// hash order), so use `jsonText` where member order matters.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let object):
            var keyed = encoder.container(keyedBy: JSONCodingKey.self)
            for member in object.members {
                try keyed.encode(member.value, forKey: JSONCodingKey(member.key))
            }
        case .array(let items):
            var unkeyed = encoder.unkeyedContainer()
            for item in items { try unkeyed.encode(item) }
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .number(let value):
            var single = encoder.singleValueContainer()
            if value.isFinite { try single.encode(value) } else { try single.encodeNil() }
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        }
    }
}

/// A coding key made from any member name.
struct JSONCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
