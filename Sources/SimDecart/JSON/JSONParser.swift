#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 parser for control frames, written for peer input: no recursion past a depth limit, no
/// traps, and a fast path for long escape-free strings (multi-MB base64 images in `set_image`).
public enum JSONParser {
    /// How deep arrays/objects may nest by default (control messages nest at most three levels).
    public static let defaultMaximumDepth = 64

    /// Parses one JSON document.
    /// - Throws: `JSONParseError` with the byte offset of the fault.
    public static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = text.utf8.withContiguousStorageIfAvailable { buffer in
            parseResult(buffer, maximumDepth: maximumDepth)
        }
        let parsed = result ?? Array(text.utf8).withUnsafeBufferPointer { parseResult($0, maximumDepth: maximumDepth) }
        return try parsed.get()
    }

    /// Parses one JSON document from UTF-8 bytes.
    /// - Throws: `JSONParseError` with the byte offset of the fault.
    public static func parse(bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { parseResult($0, maximumDepth: maximumDepth) }.get()
    }

    /// Parses a buffer into a result (typed errors cross the buffer closure as a `Result`).
    static func parseResult(_ buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) -> Result<JSONValue, JSONParseError> {
        var cursor = Cursor(bytes: buffer, maximumDepth: maximumDepth)
        return Result { () throws(JSONParseError) -> JSONValue in try cursor.document() }
    }
}

/// The parser's position in the input.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // ASCII bytes the grammar names.
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    func fail(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(reason, at: offset ?? index)
    }

    mutating func document() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail(.empty) }
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw fail(.trailingData) }
        return value
    }

    /// RFC 8259 §2: space, tab, line feed, carriage return.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try object())
        case UInt8(ascii: "["): return .array(try array())
        case Self.quote: return .string(try string())
        case UInt8(ascii: "t"): try keyword("true"); return .bool(true)
        case UInt8(ascii: "f"): try keyword("false"); return .bool(false)
        case UInt8(ascii: "n"): try keyword("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case let byte: throw fail(.unexpectedByte(byte))
        }
    }

    mutating func keyword(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail(.unexpectedEnd) }
        let pointer = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] {
            throw fail(.unexpectedByte(bytes[index + offset]), at: index + offset)
        }
        index += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= maximumDepth else { throw fail(.tooDeep(limit: maximumDepth)) }
    }

    mutating func object() throws(JSONParseError) -> JSONObject {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return object
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == Self.quote else { throw fail(.unexpectedByte(bytes[index])) }
            let key = try string().value
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: ":") else { throw fail(.unexpectedByte(bytes[index])) }
            index += 1
            skipWhitespace()
            object.append(key, try value())
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return object
            case let byte: throw fail(.unexpectedByte(byte))
            }
        }
    }

    mutating func array() throws(JSONParseError) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return elements
            case let byte: throw fail(.unexpectedByte(byte))
            }
        }
    }

    /// RFC 8259 §6 number grammar; integers that fit stay integers.
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        var integral = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw fail(.invalidNumber)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else { throw fail(.invalidNumber, at: start) }
        return .double(value)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Offset of the first `byte` in `range`, by `memchr` (the image fast path scans megabytes).
    func find(_ byte: UInt8, in range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// A string literal; `index` is at its opening quote.
    mutating func string() throws(JSONParseError) -> JSONString {
        let open = index
        let contentStart = open + 1
        guard let close = find(Self.quote, in: contentStart..<bytes.count) else {
            throw fail(.unexpectedEnd, at: bytes.count)
        }
        // Fast path: no backslash before the first quote, so that quote ends the string and no escapes exist.
        if find(Self.backslash, in: contentStart..<close) == nil {
            let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<close])
            if let control = firstControlByte(content) { throw fail(.controlCharacterInString, at: contentStart + control) }
            guard let value = String(validating: content, as: UTF8.self) else { throw fail(.invalidUTF8, at: contentStart) }
            index = close + 1
            return JSONString(value: value, literal: nil)
        }
        return try escapedString(open: open)
    }

    func firstControlByte(_ content: UnsafeBufferPointer<UInt8>) -> Int? {
        var offset = 0
        while offset < content.count {
            if content[offset] < 0x20 { return offset }
            offset += 1
        }
        return nil
    }

    /// The slow path: decodes escapes (RFC 8259 §7) and keeps the literal.
    mutating func escapedString(open: Int) throws(JSONParseError) -> JSONString {
        index = open + 1
        var decoded: [UInt8] = []
        decoded.reserveCapacity(64)
        while true {
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            let byte = bytes[index]
            if byte == Self.quote { break }
            if byte < 0x20 { throw fail(.controlCharacterInString) }
            if byte != Self.backslash {
                decoded.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): decoded.append(Self.quote)
            case UInt8(ascii: "\\"): decoded.append(Self.backslash)
            case UInt8(ascii: "/"): decoded.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"): appendScalar(try unicodeEscape(), to: &decoded)
            default: throw fail(.invalidEscape, at: index - 2)
            }
        }
        let close = index
        index += 1
        guard let value = String(validating: decoded, as: UTF8.self) else { throw fail(.invalidUTF8, at: open) }
        let literalBytes = UnsafeBufferPointer(rebasing: bytes[open...close])
        guard let literal = String(validating: literalBytes, as: UTF8.self) else { throw fail(.invalidUTF8, at: open) }
        return JSONString(value: value, literal: literal)
    }

    /// The scalar of a `\uXXXX` escape (after the `u`), joining a surrogate pair; a lone surrogate becomes U+FFFD
    /// (the literal still carries it verbatim).
    mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800...0xDBFF).contains(first) {
            let save = index
            if bytes.count - index >= 6, bytes[index] == Self.backslash, bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                let second = try hex4()
                if (0xDC00...0xDFFF).contains(second) {
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    return Unicode.Scalar(combined) ?? "\u{FFFD}"
                }
            }
            index = save
            return "\u{FFFD}"
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(.invalidEscape)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    func appendScalar(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        UTF8.encode(scalar) { out.append($0) }
    }
}
