/// A prompt as the client wrote it: `prompt_ack.prompt` must echo it byte for byte, because every SDK matches the
/// ack by exact prompt text (reference §3 `prompt_ack`, §9.4), so the server never normalises or rewrites it.
public struct PromptText: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The wire string (decoded text plus the source literal when it had escapes).
    public var json: JSONString

    /// A prompt from the wire.
    public init(json: JSONString) { self.json = json }

    /// A prompt built in code.
    public init(_ text: String) { json = JSONString(text) }

    /// A prompt from a literal (tests).
    public init(stringLiteral value: String) { self.init(value) }

    /// The decoded text.
    public var text: String { json.value }

    /// The decoded text.
    public var description: String { text }

    /// Equal when echoed identically: the same JSON literal bytes (a lone-surrogate escape and U+FFFD differ, as
    /// do precomposed and decomposed accents).
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.json.jsonText.utf8.elementsEqual(rhs.json.jsonText.utf8) }

    /// Hashes the echoed bytes.
    public func hash(into hasher: inout Hasher) {
        for byte in json.jsonText.utf8 { hasher.combine(byte) }
    }
}
