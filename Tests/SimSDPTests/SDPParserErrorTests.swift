import Testing
import SimSDP

@Suite("Parser errors carry the line number and the reason")
struct SDPParserErrorTests {
    static let header = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]

    /// Joins lines with CRLF, with a final CRLF.
    static func sdp(_ lines: [String]) -> String {
        lines.map { $0 + "\r\n" }.joined()
    }

    /// Parses `text` and returns the error it must throw.
    static func error(parsing text: String) throws -> SDPParseError {
        try #require(throws: SDPParseError.self) { try SDPParser.parse(text) }
    }

    @Test("structural errors", arguments: [
        ("", 1, SDPParseError.Reason.emptyInput),
        ("\r\n\r\n", 1, .emptyInput),
        (sdp(["o=- 1 2 IN IP4 127.0.0.1", "s=-"]), 1, .missingVersion),
        (sdp(["v=1"]), 1, .unsupportedVersion("1")),
        (sdp(["v=0"]), 2, .missingOrigin),
        (sdp(["v=0", "s=-"]), 2, .missingOrigin),
        (sdp(["v=0", "o=- 1 2 IN IP4"]), 2, .malformedOrigin),
        (sdp(["v=0", "o=- 1 2 IN IP4 127.0.0.1"]), 3, .missingSessionName),
        (sdp(["v=0", "o=- 1 2 IN IP4 127.0.0.1", "t=0 0"]), 3, .missingSessionName),
        (sdp(header + ["garbage"]), 5, .missingEquals),
        (sdp(header + ["ab=c"]), 5, .invalidLineType),
        (sdp(header + ["=c"]), 5, .invalidLineType),
        (sdp(header + ["1=c"]), 5, .invalidLineType),
        (sdp(header + ["a"]), 5, .missingEquals),
        (sdp(header + ["a=x", "", "a=y"]), 6, .emptyLine),
        (sdp(header + ["o=- 1 2 IN IP4 127.0.0.1"]), 5, .duplicateLine(type: "o")),
        (sdp(header + ["v=0"]), 5, .duplicateLine(type: "v")),
        (sdp(header + ["c=IN IP4 0.0.0.0", "c=IN IP4 0.0.0.0"]), 6, .duplicateLine(type: "c")),
        (sdp(header + ["c=IN IP4"]), 5, .malformedConnection),
        (sdp(header + ["b=AS:fast"]), 5, .malformedBandwidth),
        (sdp(header + ["b=AS"]), 5, .malformedBandwidth),
        (sdp(header + ["t=0"]), 5, .malformedTiming),
        (sdp(header + ["t=-1 0"]), 5, .malformedTiming),
        (sdp(["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "r=7d 1h 0"]), 4, .misplacedLine(type: "r")),
        (sdp(header + ["m=audio 9"]), 5, .malformedMediaLine),
        (sdp(header + ["m=audio"]), 5, .malformedMediaLine),
        (sdp(header + ["m=audio nine UDP/TLS/RTP/SAVPF 111"]), 5, .invalidPort("nine")),
        (sdp(header + ["m=audio 70000 UDP/TLS/RTP/SAVPF 111"]), 5, .invalidPort("70000")),
        (sdp(header + ["m=audio +9 UDP/TLS/RTP/SAVPF 111"]), 5, .invalidPort("+9")),
        (sdp(header + ["m=audio 9/x RTP/AVP 0"]), 5, .invalidPort("9/x")),
        (sdp(header + ["m=audio 9 RTP/AVP 0", "a=rtcp-mux", "t=0 0"]), 7, .misplacedLine(type: "t")),
        (sdp(header + ["m=audio 9 RTP/AVP 0", "o=- 1 2 IN IP4 127.0.0.1"]), 6, .misplacedLine(type: "o")),
        (sdp(header + ["m=audio 9 RTP/AVP 0", "c=IN"]), 6, .malformedConnection),
        (sdp(header + ["m=audio 9 RTP/AVP 0", "b=TIAS:-5"]), 6, .malformedBandwidth),
    ] as [(String, Int, SDPParseError.Reason)])
    func structuralErrors(text: String, line: Int, reason: SDPParseError.Reason) throws {
        let error = try Self.error(parsing: text)
        #expect(error == SDPParseError(line: line, reason: reason))
    }

    @Test("an error deep in the captured offer reports its line")
    func errorInFixture() throws {
        var lines = try Fixture.pythonOffer.text().split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        lines[99] = "m=video 9x UDP/TLS/RTP/SAVPF 96"
        let error = try Self.error(parsing: lines.joined(separator: "\r\n"))
        #expect(error == SDPParseError(line: 100, reason: .invalidPort("9x")))
        #expect(error.description.contains("100"))
    }

    @Test("unknown line types before the first m= are kept, not rejected")
    func unknownLineKept() throws {
        let text = Self.sdp(Self.header + ["x=vendor extension", "a=group:BUNDLE 0", "m=audio 9 RTP/AVP 0", "w=also kept"])
        let description = try SDPParser.parse(text)
        #expect(description.otherLines == [SDPLine(type: "x", value: "vendor extension")])
        #expect(description.media[0].otherLines == [SDPLine(type: "w", value: "also kept")])
        #expect(description.serialized() == text)
    }

    @Test("odd attribute values are kept and read as nil, not rejected")
    func lenientAttributes() throws {
        let text = Self.sdp(Self.header + ["m=audio 9 RTP/AVP 0", "a=rtpmap:abc", "a=", "a=:x", "a=setup:sideways", "a=mid:0"])
        let description = try SDPParser.parse(text)
        let media = description.media[0]
        #expect(media.rtpMaps.isEmpty)
        #expect(media.setup == nil)
        #expect(media.mid == "0")
        #expect(description.serialized() == text)
    }

    @Test("mixed CRLF and LF line ends are accepted")
    func mixedLineEnds() throws {
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\ns=-\r\nt=0 0\nm=audio 9 RTP/AVP 0\r\na=mid:0"
        let description = try SDPParser.parse(text)
        #expect(description.media.first?.mid == "0")
        #expect(description.serialized() == Self.sdp(["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=audio 9 RTP/AVP 0", "a=mid:0"]))
    }

    @Test("input over 1 MiB is rejected before parsing")
    func sizeLimit() throws {
        let text = Self.sdp(Self.header) + "a=" + String(repeating: "x", count: SDPParser.maximumByteCount)
        let error = try Self.error(parsing: text)
        #expect(error.line == 0)
        #expect(error.reason == .inputTooLarge(byteCount: text.utf8.count))
    }

    @Test("input of exactly 1 MiB is accepted")
    func sizeLimitBoundary() throws {
        let prefix = Self.sdp(Self.header) + "a="
        let text = prefix + String(repeating: "x", count: SDPParser.maximumByteCount - prefix.utf8.count)
        #expect(text.utf8.count == SDPParser.maximumByteCount)
        #expect(try SDPParser.parse(text).attributes.count == 1)
    }

    @Test("more than 10,000 lines are rejected at line 10,001")
    func lineLimit() throws {
        let atLimit = Self.sdp(Self.header + Array(repeating: "a=x", count: SDPParser.maximumLineCount - Self.header.count))
        #expect(try SDPParser.parse(atLimit).attributes.count == SDPParser.maximumLineCount - Self.header.count)
        let error = try Self.error(parsing: atLimit + "a=x\r\n")
        #expect(error == SDPParseError(line: 10_001, reason: .tooManyLines(limit: 10_000)))
    }

    @Test("byte input: valid UTF-8 parses, invalid UTF-8 is rejected")
    func byteInput() throws {
        let text = try Fixture.chromeOffer.text()
        #expect(try SDPParser.parse(bytes: Array(text.utf8)).serialized() == text)
        let error = try #require(throws: SDPParseError.self) { try SDPParser.parse(bytes: [0x76, 0x3D, 0xFF, 0xFE]) }
        #expect(error == SDPParseError(line: 0, reason: .invalidUTF8))
    }
}
