/// A JSON string: the decoded value and, when the wire literal contained escapes, that literal verbatim.
///
/// Keeping the literal lets the server echo a client's text byte for byte (Decart `prompt_ack.prompt`,
/// reference §3: clients match the ack by exact prompt text), including escapes a Swift `String` cannot hold
/// (a lone UTF-16 surrogate such as `\ud800` decodes to U+FFFD).
public struct JSONString: Sendable, Hashable {
    /// The decoded text.
    public var value: String
    /// The exact source literal including its quotes, when it contained a backslash escape; nil otherwise
    /// (then the value's UTF-8 bytes are the literal's bytes, and `JSONSerializer` writes them unchanged).
    public var literal: String?

    /// A string built in code (written with minimal escaping).
    public init(_ value: String) {
        self.value = value
        literal = nil
    }

    /// A string from the wire.
    public init(value: String, literal: String?) {
        self.value = value
        self.literal = literal
    }

    /// The JSON text this string is written as: the source literal if kept, else the minimally escaped value.
    public var jsonText: String { literal ?? JSONSerializer.quoted(value) }

    /// Equal when the decoded texts have the same Unicode scalars (Swift's `String ==` would also equate
    /// canonically equivalent texts); how they were escaped does not matter.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.value.unicodeScalars.elementsEqual(rhs.value.unicodeScalars) }

    /// Hashes the scalars.
    public func hash(into hasher: inout Hasher) {
        for scalar in value.unicodeScalars { hasher.combine(scalar) }
    }
}
