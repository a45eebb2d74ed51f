/// The key/value metadata of a GGUF file, with typed accessors.
///
/// Every accessor throws `GGUFError.missingKey` or `GGUFError.wrongValueType` naming the key, so a
/// caller can write `try metadata.int("llama.block_count")` and get a useful message for free.
/// Integer accessors accept any integer width that fits the result; float accessors accept
/// float32 and float64.
public struct GGUFMetadata: Sendable, Equatable {
    /// Where the metadata came from (a file path), used in error messages.
    public let source: String
    /// All entries by key.
    public let values: [String: GGUFValue]

    /// Metadata from a dictionary, e.g. for tests. `source` names it in error messages.
    public init(_ values: [String: GGUFValue], source: String = "<memory>") {
        self.values = values
        self.source = source
    }

    /// The value stored under `key`, if any.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// All keys, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// The value under `key`, or `missingKey`.
    public func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = values[key] else { throw .missingKey(path: source, key: key) }
        return value
    }

    /// A string value.
    public func string(_ key: String) throws(GGUFError) -> String {
        let value = try value(key)
        guard case .string(let string) = value else { throw mismatch(key, "string", value) }
        return string
    }

    /// An integer value of any width, as `Int`.
    public func int(_ key: String) throws(GGUFError) -> Int {
        let value = try value(key)
        guard let int = value.integerValue else { throw mismatch(key, "an integer", value) }
        return int
    }

    /// A float32 or float64 value, as `Float`.
    public func float(_ key: String) throws(GGUFError) -> Float {
        Float(try double(key))
    }

    /// A float32 or float64 value, as `Double`.
    public func double(_ key: String) throws(GGUFError) -> Double {
        let value = try value(key)
        guard let double = value.floatingPointValue else { throw mismatch(key, "a float", value) }
        return double
    }

    /// A bool value.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        let value = try value(key)
        guard case .bool(let bool) = value else { throw mismatch(key, "bool", value) }
        return bool
    }

    /// An array of strings.
    public func stringArray(_ key: String) throws(GGUFError) -> [String] {
        let elements = try arrayElements(key, expected: "array of string")
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else { throw mismatch(key, "array of string", try value(key)) }
            result.append(string)
        }
        return result
    }

    /// An array of integers of any width, as `[Int]`.
    public func intArray(_ key: String) throws(GGUFError) -> [Int] {
        let elements = try arrayElements(key, expected: "array of integers")
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let int = element.integerValue else { throw mismatch(key, "array of integers", try value(key)) }
            result.append(int)
        }
        return result
    }

    /// An array of integers that each fit in 32 bits, as `[Int32]`.
    public func int32Array(_ key: String) throws(GGUFError) -> [Int32] {
        var result: [Int32] = []
        for int in try intArray(key) {
            guard let narrow = Int32(exactly: int) else {
                throw .invalidValue(path: source, key: key, reason: "element \(int) does not fit in int32")
            }
            result.append(narrow)
        }
        return result
    }

    /// An array of float32 or float64 values, as `[Float]`.
    public func floatArray(_ key: String) throws(GGUFError) -> [Float] {
        let elements = try arrayElements(key, expected: "array of floats")
        var result: [Float] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let double = element.floatingPointValue else { throw mismatch(key, "array of floats", try value(key)) }
            result.append(Float(double))
        }
        return result
    }

    /// A string value, or `defaultValue` when the key is absent (a present key of another type
    /// still throws).
    public func string(_ key: String, default defaultValue: String) throws(GGUFError) -> String {
        contains(key) ? try string(key) : defaultValue
    }

    /// An integer value, or `defaultValue` when the key is absent.
    public func int(_ key: String, default defaultValue: Int) throws(GGUFError) -> Int {
        contains(key) ? try int(key) : defaultValue
    }

    /// A float value, or `defaultValue` when the key is absent.
    public func float(_ key: String, default defaultValue: Float) throws(GGUFError) -> Float {
        contains(key) ? try float(key) : defaultValue
    }

    /// A bool value, or `defaultValue` when the key is absent.
    public func bool(_ key: String, default defaultValue: Bool) throws(GGUFError) -> Bool {
        contains(key) ? try bool(key) : defaultValue
    }

    private func arrayElements(_ key: String, expected: String) throws(GGUFError) -> [GGUFValue] {
        let value = try value(key)
        guard case .array(_, let elements) = value else { throw mismatch(key, expected, value) }
        return elements
    }

    private func mismatch(_ key: String, _ expected: String, _ found: GGUFValue) -> GGUFError {
        .wrongValueType(path: source, key: key, expected: expected, found: found.typeDescription)
    }
}
