/// The line-by-line state machine behind ``SDPParser``.
extension SDPParser {
    /// The parser's accumulating state: the session built so far and the media section being read.
    struct ParserState {
        private var version: Int?
        private var origin: SDPOrigin?
        private var sessionName: String?
        private var connection: SDPConnection?
        private var bandwidths: [SDPBandwidth] = []
        private var timings: [SDPTiming] = []
        private var attributes: [SDPAttribute] = []
        private var otherLines: [SDPLine] = []
        private var media: [MediaDescription] = []
        private var lineCount = 0

        /// Session-level line types that may not appear inside a media section (RFC 8866 §5).
        private static let sessionOnlyTypes: Set<UInt8> = Set("vostrzuep".utf8)

        /// Reads one line.
        mutating func consume(_ line: RawLine, in bytes: [UInt8]) throws(SDPParseError) {
            lineCount = line.number
            let fail = { (reason: SDPParseError.Reason) in SDPParseError(line: line.number, reason: reason) }
            guard !line.range.isEmpty else { throw fail(.emptyLine) }
            let slice = bytes[line.range]
            guard slice.count >= 2, slice[slice.startIndex + 1] == UInt8(ascii: "=") else {
                throw fail(slice.contains(UInt8(ascii: "=")) ? .invalidLineType : .missingEquals)
            }
            let type = slice[slice.startIndex]
            guard Self.isASCIILetter(type) else { throw fail(.invalidLineType) }
            let value = String(decoding: slice.dropFirst(2), as: UTF8.self)

            // RFC 8866 §5: v=, o=, s= come first, in that order.
            switch line.number {
            case 1:
                guard type == UInt8(ascii: "v") else { throw fail(.missingVersion) }
                guard value == "0" else { throw fail(.unsupportedVersion(value)) }
                version = 0
                return
            case 2:
                guard type == UInt8(ascii: "o") else { throw fail(.missingOrigin) }
                guard let parsed = SDPOrigin(lineValue: value) else { throw fail(.malformedOrigin) }
                origin = parsed
                return
            case 3:
                guard type == UInt8(ascii: "s") else { throw fail(.missingSessionName) }
                sessionName = value
                return
            default:
                break
            }

            if type == UInt8(ascii: "m") {
                media.append(try Self.mediaDescription(value, fail: fail))
            } else if media.isEmpty {
                try consumeSessionLine(type: type, value: value, fail: fail)
            } else {
                try consumeMediaLine(type: type, value: value, fail: fail)
            }
        }

        /// The finished description.
        func finish() throws(SDPParseError) -> SessionDescription {
            guard let version else {
                throw SDPParseError(line: 1, reason: lineCount == 0 ? .emptyInput : .missingVersion)
            }
            guard let origin else { throw SDPParseError(line: 2, reason: .missingOrigin) }
            guard let sessionName else { throw SDPParseError(line: 3, reason: .missingSessionName) }
            return SessionDescription(
                version: version,
                origin: origin,
                sessionName: sessionName,
                connection: connection,
                bandwidths: bandwidths,
                timings: timings,
                attributes: attributes,
                otherLines: otherLines,
                media: media
            )
        }

        private mutating func consumeSessionLine(
            type: UInt8, value: String, fail: (SDPParseError.Reason) -> SDPParseError
        ) throws(SDPParseError) {
            switch type {
            case UInt8(ascii: "a"):
                attributes.append(SDPAttribute(lineValue: value))
            case UInt8(ascii: "c"):
                guard connection == nil else { throw fail(.duplicateLine(type: "c")) }
                guard let parsed = SDPConnection(lineValue: value) else { throw fail(.malformedConnection) }
                connection = parsed
            case UInt8(ascii: "b"):
                guard let parsed = SDPBandwidth(lineValue: value) else { throw fail(.malformedBandwidth) }
                bandwidths.append(parsed)
            case UInt8(ascii: "t"):
                guard let parsed = SDPTiming(lineValue: value) else { throw fail(.malformedTiming) }
                timings.append(parsed)
            case UInt8(ascii: "r"):
                guard !timings.isEmpty else { throw fail(.misplacedLine(type: "r")) }
                timings[timings.count - 1].repeats.append(value)
            case UInt8(ascii: "v"), UInt8(ascii: "o"), UInt8(ascii: "s"):
                throw fail(.duplicateLine(type: String(UnicodeScalar(type))))
            default:
                otherLines.append(SDPLine(type: Character(UnicodeScalar(type)), value: value))
            }
        }

        private mutating func consumeMediaLine(
            type: UInt8, value: String, fail: (SDPParseError.Reason) -> SDPParseError
        ) throws(SDPParseError) {
            let index = media.count - 1
            switch type {
            case UInt8(ascii: "a"):
                media[index].attributes.append(SDPAttribute(lineValue: value))
            case UInt8(ascii: "c"):
                guard let parsed = SDPConnection(lineValue: value) else { throw fail(.malformedConnection) }
                media[index].connections.append(parsed)
            case UInt8(ascii: "b"):
                guard let parsed = SDPBandwidth(lineValue: value) else { throw fail(.malformedBandwidth) }
                media[index].bandwidths.append(parsed)
            case let other where Self.sessionOnlyTypes.contains(other):
                throw fail(.misplacedLine(type: String(UnicodeScalar(other))))
            default:
                media[index].otherLines.append(SDPLine(type: Character(UnicodeScalar(type)), value: value))
            }
        }

        /// Parses the text after `m=`: `<media> <port>[/<count>] <proto> <fmt>…`.
        private static func mediaDescription(
            _ value: String, fail: (SDPParseError.Reason) -> SDPParseError
        ) throws(SDPParseError) -> MediaDescription {
            let fields = value.sdpTokens
            guard fields.count >= 3 else { throw fail(.malformedMediaLine) }
            let (portText, countText) = fields[1].sdpSplit(once: "/")
            guard let port = portText.sdpNumber(UInt16.self) else { throw fail(.invalidPort(String(fields[1]))) }
            var portCount: Int?
            if let countText {
                guard let count = countText.sdpNumber(Int.self) else { throw fail(.invalidPort(String(fields[1]))) }
                portCount = count
            }
            return MediaDescription(
                kind: MediaKind(token: String(fields[0])),
                port: port,
                portCount: portCount,
                proto: String(fields[2]),
                formats: fields.dropFirst(3).map(String.init)
            )
        }

        private static func isASCIILetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
    }
}
