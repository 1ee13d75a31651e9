/// Why a control frame was not accepted as a client message. Each case becomes an `error` frame whose text
/// (`errorText`) says what to fix; the session keeps running.
///
/// The texts deliberately avoid the SDKs' "permanent" substrings (`not allowed`, `invalid session`, `401`,
/// `unauthorized`, `permission denied`, `invalid api key`, `session expired`; reference §7.1): a malformed frame
/// must not stop a client from retrying.
public enum DecartDecodeError: Error, Sendable, Equatable {
    /// The frame is larger than the configured limit.
    case tooLarge(byteCount: Int, limit: Int)
    /// A binary frame (the protocol uses text frames only, reference §1).
    case binaryFrame(byteCount: Int)
    /// The text is not JSON.
    case notJSON(JSONParseError)
    /// The JSON is not an object.
    case notAnObject(found: String)
    /// The object has no `type`.
    case missingType
    /// `type` is not a string.
    case typeNotAString(found: String)
    /// `type` names no client message.
    case unknownType(String)
    /// A required field is missing.
    case missingField(type: String, field: String)
    /// A field has the wrong JSON type.
    case mistypedField(type: String, field: String, expected: String, found: String)
    /// A field's value is not acceptable (e.g. `image_data` and `image_ref` both set).
    case invalidValue(type: String, field: String, reason: String)

    /// The `error` frame text (client-supplied parts shortened, permanent markers neutralized).
    public var errorText: String { DecartErrorText.neutralized(rawText) }

    /// The text before neutralization.
    var rawText: String {
        switch self {
        case .tooLarge(let count, let limit):
            "message too large: \(count) bytes exceeds the \(limit)-byte frame limit"
        case .binaryFrame(let count):
            "binary frames are not supported (got \(count) bytes): send one JSON object per text frame"
        case .notJSON(let error):
            "malformed message: not valid JSON (\(error))"
        case .notAnObject(let found):
            "malformed message: expected a JSON object, got \(found)"
        case .missingType:
            "malformed message: missing \"type\""
        case .typeNotAString(let found):
            "malformed message: \"type\" must be a string, got \(found)"
        case .unknownType(let type):
            "unknown message type \"\(DecartErrorText.excerpt(type))\""
        case .missingField(let type, let field):
            "malformed \(type): missing field \"\(field)\""
        case .mistypedField(let type, let field, let expected, let found):
            "malformed \(type): field \"\(field)\" must be \(expected), got \(found)"
        case .invalidValue(let type, let field, let reason):
            "malformed \(type): field \"\(field)\" \(reason)"
        }
    }

    /// A short tag for the event log (`too_large`, `not_json`, …).
    public var tag: String {
        switch self {
        case .tooLarge: "too_large"
        case .binaryFrame: "binary_frame"
        case .notJSON: "not_json"
        case .notAnObject: "not_an_object"
        case .missingType: "missing_type"
        case .typeNotAString: "type_not_a_string"
        case .unknownType: "unknown_type"
        case .missingField: "missing_field"
        case .mistypedField: "mistyped_field"
        case .invalidValue: "invalid_value"
        }
    }
}
