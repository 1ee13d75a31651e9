/// Writes `JSONValue`s as compact JSON text (RFC 8259), keys in their given order.
public enum JSONSerializer {
    /// The compact JSON text of `value`.
    public static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    /// Appends the text of `value` to `out`.
    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): out += format(number)
        case .string(let string): out += string.jsonText
        case .array(let elements):
            out += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += "," }
                write(element, to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { out += "," }
                out += quoted(member.key)
                out += ":"
                write(member.value, to: &out)
            }
            out += "}"
        }
    }

    /// A finite double as JSON; JSON has no NaN or infinity, so those become `null`.
    static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// `value` as a JSON string literal with minimal escaping: only `"`, `\` and U+0000…U+001F are escaped
    /// (RFC 8259 §7), so an escape-free wire string is written back with the same bytes.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        var needsEscape = false
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        guard needsEscape else { return out + value + "\"" }
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
