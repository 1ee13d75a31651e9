/// Why a text is not a JSON document, and where (RFC 8259).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of fault.
    public enum Reason: Sendable, Equatable {
        /// The text is empty or only whitespace.
        case empty
        /// The text ends inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the current token.
        case unexpectedByte(UInt8)
        /// A malformed number.
        case invalidNumber
        /// A backslash escape that RFC 8259 §7 does not define, or a bad `\u` sequence.
        case invalidEscape
        /// An unescaped control character (U+0000…U+001F) inside a string (RFC 8259 §7).
        case controlCharacterInString
        /// A string whose bytes are not UTF-8.
        case invalidUTF8
        /// Arrays/objects nested deeper than the parser's limit.
        case tooDeep(limit: Int)
        /// Non-whitespace after the top-level value.
        case trailingData
    }

    /// The kind of fault.
    public var reason: Reason
    /// The byte offset where it was found.
    public var offset: Int

    /// A fault at `offset`.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A one-line explanation.
    public var description: String {
        let what: String = switch reason {
        case .empty: "empty text"
        case .unexpectedEnd: "unexpected end of text"
        case .unexpectedByte(let byte):
            (0x20..<0x7F).contains(byte) ? "unexpected character '\(Character(Unicode.Scalar(byte)))'" : "unexpected byte 0x\(String(byte, radix: 16))"
        case .invalidNumber: "malformed number"
        case .invalidEscape: "invalid escape sequence"
        case .controlCharacterInString: "unescaped control character in a string"
        case .invalidUTF8: "string is not valid UTF-8"
        case .tooDeep(let limit): "nested deeper than \(limit) levels"
        case .trailingData: "data after the JSON value"
        }
        return "\(what) at byte \(offset)"
    }
}
