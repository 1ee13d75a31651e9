/// Parses SDP text into a ``SessionDescription`` (RFC 8866).
///
/// - Accepts CRLF or bare LF line ends, and trailing empty lines.
/// - Checks the structural lines strictly: `v=0` first, `o=` second with six fields, `s=` third, and well-formed
///   `c=`, `b=`, `t=` and `m=` lines. Attribute values are not checked here: typed accessors skip values they
///   cannot parse, so one odd attribute never fails a whole offer.
/// - Keeps lines of unknown type (before or after the first `m=`) as ``SDPLine``s.
/// - Never traps: any input returns a description or throws ``SDPParseError``.
public enum SDPParser {
    /// The largest input accepted, in bytes (1 MiB; a LiveKit offer is about 14 KB).
    public static let maximumByteCount = 1 << 20
    /// The most lines accepted.
    public static let maximumLineCount = 10_000

    /// Parses SDP text.
    ///
    /// - Throws: ``SDPParseError`` carrying the 1-based line number and the reason.
    public static func parse(_ text: String) throws(SDPParseError) -> SessionDescription {
        let byteCount = text.utf8.count
        guard byteCount <= maximumByteCount else {
            throw SDPParseError(line: 0, reason: .inputTooLarge(byteCount: byteCount))
        }
        var state = ParserState()
        let bytes = Array(text.utf8)
        for line in try splitLines(bytes) {
            try state.consume(line, in: bytes)
        }
        return try state.finish()
    }

    /// Parses SDP from UTF-8 bytes.
    ///
    /// - Throws: ``SDPParseError`` for oversized or invalid UTF-8 input, and for anything ``parse(_:)`` rejects.
    public static func parse(bytes: some Collection<UInt8>) throws(SDPParseError) -> SessionDescription {
        guard bytes.count <= maximumByteCount else {
            throw SDPParseError(line: 0, reason: .inputTooLarge(byteCount: bytes.count))
        }
        // `transcode` reports whether it hit an encoding error; it predates `String(validating:)`, which needs
        // macOS 15.
        let hadError = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) { _ in }
        guard !hadError else { throw SDPParseError(line: 0, reason: .invalidUTF8) }
        return try parse(String(decoding: bytes, as: UTF8.self))
    }

    /// One line of input: its 1-based number and the byte range without the line terminator.
    struct RawLine {
        var number: Int
        var range: Range<Int>
    }

    /// Splits at LF, drops one CR before each LF, and drops trailing empty lines.
    static func splitLines(_ bytes: [UInt8]) throws(SDPParseError) -> [RawLine] {
        var lines: [RawLine] = []
        var start = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                if index == bytes.count && start == index { break }  // input ended with a line terminator
                var end = index
                if index < bytes.count, end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard lines.count < maximumLineCount else {
                    throw SDPParseError(line: maximumLineCount + 1, reason: .tooManyLines(limit: maximumLineCount))
                }
                lines.append(RawLine(number: lines.count + 1, range: start..<end))
                start = index + 1
            }
            index += 1
        }
        while let last = lines.last, last.range.isEmpty { lines.removeLast() }
        return lines
    }
}
