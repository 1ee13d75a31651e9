/// A value in an event's compact `detail` object.
public enum EventValue: Sendable, Equatable, Codable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    /// A string.
    case string(String)
    /// An integer.
    case int(Int64)
    /// A boolean.
    case bool(Bool)
    /// A list of strings (track sids, identities).
    case strings([String])

    /// Wraps a string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Wraps an integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// Wraps a boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// Decodes whichever JSON scalar (or string array) is present.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode([String].self) { self = .strings(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    /// Encodes as a bare JSON value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }

    /// The value as text (for summaries and trigger matching).
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .bool(let value): String(value)
        case .strings(let value): value.joined(separator: ",")
        }
    }
}
