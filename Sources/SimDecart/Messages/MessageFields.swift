/// Typed reads of one message object's fields, producing `DecartDecodeError`s that name the message and field.
struct MessageFields {
    /// The object being read.
    let object: JSONObject
    /// The message `type`, for error texts.
    let type: String

    /// A required string.
    func requiredString(_ key: String) throws(DecartDecodeError) -> JSONString {
        guard let value = object[key] else { throw .missingField(type: type, field: key) }
        guard case .string(let string) = value else { throw mistyped(key, "a string", value) }
        return string
    }

    /// A string that may be absent or `null`.
    func nullableString(_ key: String) throws(DecartDecodeError) -> JSONField<JSONString> {
        switch object[key] {
        case nil: return .absent
        case .null?: return .null
        case .string(let string)?: return .value(string)
        case let value?: throw mistyped(key, "a string or null", value)
        }
    }

    /// A boolean that may be absent or `null` (both read as nil).
    func optionalBool(_ key: String) throws(DecartDecodeError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let value?: throw mistyped(key, "a boolean", value)
        }
    }

    /// An integer that may be absent or `null`; integral doubles (`0.0`) are accepted.
    func optionalInt(_ key: String) throws(DecartDecodeError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let number)?:
            guard let value = Int(exactly: number) else { throw mistyped(key, "an integer", .int(number)) }
            return value
        case .double(let number)?:
            guard let value = Int(exactly: number) else { throw mistyped(key, "an integer", .double(number)) }
            return value
        case let value?: throw mistyped(key, "an integer", value)
        }
    }

    /// Keys that are not in `known`, in order, without duplicates.
    func unknownKeys(known: Set<String>) -> [String] {
        var seen = Set<String>()
        return object.members.map(\.key).filter { !known.contains($0) && seen.insert($0).inserted }
    }

    /// A mistyped-field error for `key`.
    func mistyped(_ key: String, _ expected: String, _ found: JSONValue) -> DecartDecodeError {
        .mistypedField(type: type, field: key, expected: expected, found: found.typeName)
    }
}
