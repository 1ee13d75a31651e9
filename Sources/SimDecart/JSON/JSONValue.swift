/// A parsed or to-be-written JSON value (RFC 8259), small enough to keep the control protocol free of `Any`.
///
/// Integers and fractional numbers are kept apart so a field typed `int` by a client (Python's
/// `generation_tick.seconds`) is always written without a fraction.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// A number without fraction or exponent that fits in 64 bits.
    case int(Int64)
    /// Any other number.
    case double(Double)
    /// A string, with its source literal when it came from the wire with escapes.
    case string(JSONString)
    /// An array.
    case array([JSONValue])
    /// An object; keys keep their order, and lookups take the last duplicate (as `JSON.parse` does).
    case object(JSONObject)

    /// A string value built in code.
    public static func text(_ value: String) -> JSONValue { .string(JSONString(value)) }

    /// The JSON type name used in error texts (`string`, `number`, `object`, …).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
