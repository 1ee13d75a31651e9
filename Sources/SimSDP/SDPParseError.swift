/// Why SDP text was rejected, and on which line.
public struct SDPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Hashable, Sendable {
        /// The input is larger than ``SDPParser/maximumByteCount``.
        case inputTooLarge(byteCount: Int)
        /// The input has more than ``SDPParser/maximumLineCount`` lines.
        case tooManyLines(limit: Int)
        /// The input bytes are not valid UTF-8.
        case invalidUTF8
        /// The input is empty.
        case emptyInput
        /// An empty line before the last non-empty line.
        case emptyLine
        /// A line without any `=`.
        case missingEquals
        /// A line whose type is not a single ASCII letter followed by `=`.
        case invalidLineType
        /// The first line is not `v=`.
        case missingVersion
        /// `v=` carries something other than `0`.
        case unsupportedVersion(String)
        /// Line 2 is not `o=`.
        case missingOrigin
        /// The `o=` line does not have six fields.
        case malformedOrigin
        /// Line 3 is not `s=`.
        case missingSessionName
        /// A line type that may appear once appears again (`v=`, `o=`, `s=`, session `c=`).
        case duplicateLine(type: String)
        /// A session-only line inside a media section, or `r=` before any `t=`.
        case misplacedLine(type: String)
        /// A `c=` line without exactly three fields.
        case malformedConnection
        /// A `b=` line that is not `<type>:<number>`.
        case malformedBandwidth
        /// A `t=` line that is not two numbers.
        case malformedTiming
        /// An `m=` line with fewer than three fields.
        case malformedMediaLine
        /// An `m=` line whose port (or port count) is not a number in range.
        case invalidPort(String)
    }

    /// The 1-based line number of the problem; 0 when it concerns the whole input (size limits, encoding).
    public var line: Int
    /// What was wrong.
    public var reason: Reason

    /// Makes an error.
    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// `line N: reason`.
    public var description: String { "SDP line \(line): \(reason)" }
}
