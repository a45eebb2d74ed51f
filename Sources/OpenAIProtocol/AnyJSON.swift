/// Any JSON value, decoded from a request and written back compactly (tool parameter schemas,
/// `response_format` schemas). Object members are sorted by key: `JSONDecoder` does not report them
/// in document order (not even the same order twice), and an identical request must render an
/// identical prompt — or no follow-up could extend a context held in the engine.
public indirect enum AnyJSON: Sendable, Equatable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([Member])

    public struct Member: Sendable, Equatable, Hashable {
        public var key: String
        public var value: AnyJSON
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Values nest at most this deep (the decoder's own limit is larger; schemas need far less).
    static let maxDepth = 64

    public init(from decoder: any Decoder) throws {
        guard decoder.codingPath.count <= Self.maxDepth else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "nested deeper than \(Self.maxDepth) levels"))
        }
        if let object = try? decoder.container(keyedBy: Key.self) {
            let keys = object.allKeys.sorted { $0.stringValue < $1.stringValue }
            self = .object(try keys.map { Member(key: $0.stringValue, value: try object.decode(AnyJSON.self, forKey: $0)) })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var values: [AnyJSON] = []
            while !array.isAtEnd { values.append(try array.decode(AnyJSON.self)) }
            self = .array(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// The member `key` of an object (nil otherwise).
    public subscript(key: String) -> AnyJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Compact JSON text (no spaces), members in order.
    public var text: String {
        var writer = JSONWriter()
        write(&writer)
        return writer.text
    }

    func write(_ json: inout JSONWriter) {
        switch self {
        case .null: json.null()
        case .bool(let flag): json.value(flag)
        case .number(let number):
            if number == number.rounded(), abs(number) < 9.0e15 { json.value(Int(number)) } else { json.value(number) }
        case .string(let text): json.value(text)
        case .array(let values): json.array { json in for value in values { value.write(&json) } }
        case .object(let members):
            json.object { json in
                for member in members { json.member(member.key) { member.value.write(&$0) } }
            }
        }
    }
}
