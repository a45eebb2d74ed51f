/// One metadata value of a GGUF file.
///
/// Arrays keep their element type so an empty array round-trips through `GGUFWriter`; GGUF
/// requires every element of an array to have that type.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)
    indirect case array(elementType: GGUFValueType, elements: [GGUFValue])

    /// The type tag this value is stored with.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        case .array: .array
        }
    }

    /// A description of the type for messages, such as `array of string`.
    public var typeDescription: String {
        if case .array(let elementType, _) = self { return "array of \(elementType)" }
        return type.description
    }

    /// The value as an `Int` when it is an integer of any width that fits.
    public var integerValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as a `Double` when it is a float32 or float64.
    public var floatingPointValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    /// An array of strings.
    public static func stringArray(_ values: [String]) -> GGUFValue {
        .array(elementType: .string, elements: values.map { .string($0) })
    }

    /// An array of int32 values.
    public static func int32Array(_ values: [Int32]) -> GGUFValue {
        .array(elementType: .int32, elements: values.map { .int32($0) })
    }

    /// An array of float32 values.
    public static func float32Array(_ values: [Float]) -> GGUFValue {
        .array(elementType: .float32, elements: values.map { .float32($0) })
    }
}
