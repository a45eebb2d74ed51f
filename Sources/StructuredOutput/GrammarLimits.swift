/// The caps that make every grammar finite, so generation always ends with a complete value.
///
/// A schema's own bounds (`maxLength`, `maxItems`) take precedence; these apply where the schema
/// gives none and to free-form values (`json_object`, a schema `{}`, an object without
/// `properties`). Numbers have fixed caps: at most 15 integer digits (so integers stay exact in a
/// `Double`), 15 fraction digits and 2 exponent digits (so no value overflows to infinity).
public struct GrammarLimits: Sendable, Equatable {
    /// Characters (Unicode scalars; an escape counts as one) in a string without `maxLength`.
    public let maxStringLength: Int
    /// Items in an array without `maxItems`.
    public let maxArrayItems: Int
    /// Members in a free-form object.
    public let maxObjectMembers: Int
    /// Levels of nested arrays and objects in a free-form value, the outermost counting as one.
    public let maxDepth: Int

    /// Integer digits of a number.
    public static let maxIntegerDigits = 15
    /// Fraction digits of a number.
    public static let maxFractionDigits = 15
    /// Exponent digits of a number.
    public static let maxExponentDigits = 2
    /// The largest bound a schema may give for a length or item count (frames count in 32 bits).
    public static let maxExplicitBound = 1 << 30

    /// The defaults: strings ≤ 256 characters, arrays ≤ 16 items, free-form objects ≤ 16 members,
    /// free-form nesting ≤ 6 levels.
    public static let standard = GrammarLimits(checked: (256, 16, 16, 6))

    /// Limits with each value checked (every one must lie in `1 ... maxExplicitBound`; depth in
    /// `1 ... 64`).
    public init(
        maxStringLength: Int = 256, maxArrayItems: Int = 16, maxObjectMembers: Int = 16, maxDepth: Int = 6
    ) throws(GrammarLimitsError) {
        for (field, value) in [
            ("maxStringLength", maxStringLength), ("maxArrayItems", maxArrayItems), ("maxObjectMembers", maxObjectMembers),
        ] where !(1 ... Self.maxExplicitBound).contains(value) {
            throw GrammarLimitsError(field: field, value: value)
        }
        guard (1 ... 64).contains(maxDepth) else { throw GrammarLimitsError(field: "maxDepth", value: maxDepth) }
        self.init(checked: (maxStringLength, maxArrayItems, maxObjectMembers, maxDepth))
    }

    private init(checked values: (Int, Int, Int, Int)) {
        (maxStringLength, maxArrayItems, maxObjectMembers, maxDepth) = values
    }
}

/// A `GrammarLimits` field out of range.
public struct GrammarLimitsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field's name.
    public let field: String
    /// The value given.
    public let value: Int

    /// One line naming the field and the value.
    public var description: String { "invalid grammar limit \(field) \(value): out of range" }
}
