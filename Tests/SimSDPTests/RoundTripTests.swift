import Testing
import SimSDP

@Suite("Round trips")
struct RoundTripTests {
    @Test("parse then serialize gives the fixture byte for byte", arguments: Fixture.allCases)
    func goldenRoundTrip(fixture: Fixture) throws {
        let text = try fixture.text()
        let description = try SessionDescription.parse(text)
        #expect(description.serialized() == text)
        #expect(Array(description.serialized().utf8) == Array(text.utf8))
    }

    @Test("LF input parses to the same model and serializes with CRLF", arguments: Fixture.allCases)
    func lineFeedInput(fixture: Fixture) throws {
        let text = try fixture.text()
        let lineFeedOnly = text.replacing("\r\n", with: "\n")
        #expect(!lineFeedOnly.utf8.contains(UInt8(ascii: "\r")))
        let description = try SessionDescription.parse(lineFeedOnly)
        #expect(description == (try SessionDescription.parse(text)))
        #expect(description.serialized() == text)
    }

    @Test("input without a final line end still parses every line")
    func missingFinalLineEnd() throws {
        let text = try Fixture.pythonOffer.text()
        let trimmed = String(text.dropLast())  // drops the final CRLF (one Character)
        #expect(try SessionDescription.parse(trimmed).serialized() == text)
    }

    @Test("trailing empty lines are ignored")
    func trailingEmptyLines() throws {
        let text = try Fixture.safariOffer.text()
        #expect(try SessionDescription.parse(text + "\r\n\r\n").serialized() == text)
    }

    @Test("unknown and optional line types round-trip in RFC order")
    func otherLineTypes() throws {
        let text = [
            "v=0", "o=jdoe 2890844526 2890842807 IN IP4 127.0.0.1", "s=SDP Seminar", "i=A Seminar",
            "u=http://www.example.com/seminars/sdp.pdf", "e=j.doe@example.com (Jane Doe)", "p=+1 617 555-6011",
            "c=IN IP4 127.0.0.1", "b=AS:128", "t=2873397496 2873404696", "r=7d 1h 0 25h", "z=2882844526 -1h",
            "k=prompt", "x=an unknown line type", "a=recvonly",
            "m=audio 49170/2 RTP/AVP 0", "i=media title", "c=IN IP4 127.0.0.1", "b=TIAS:64000", "k=prompt",
            "y=unknown in media", "a=rtpmap:0 PCMU/8000",
            "m=video 0 RTP/AVP",
        ].map { $0 + "\r\n" }.joined()
        let description = try SessionDescription.parse(text)
        #expect(description.serialized() == text)
        #expect(description.otherLines.map(\.type) == ["i", "u", "e", "p", "z", "k", "x"])
        #expect(description.timings == [SDPTiming(start: 2873397496, stop: 2873404696, repeats: ["7d 1h 0 25h"])])
        #expect(description.bandwidths == [SDPBandwidth(type: "AS", value: 128)])
        #expect(description.media[0].portCount == 2)
        #expect(description.media[0].otherLines.map(\.type) == ["i", "k", "y"])
        #expect(description.media[1].formats.isEmpty)
        #expect(description.media[1].isRejected)
    }

    @Test("a description built in code serializes with CRLF in RFC order")
    func builtDescription() {
        var media = MediaDescription(kind: .audio, proto: "UDP/TLS/RTP/SAVPF", formats: ["111"], connections: [SDPConnection()])
        media.addAttribute("mid", "0")
        media.addAttribute("rtpmap", "111 opus/48000/2")
        let description = SessionDescription(
            origin: SDPOrigin(sessionID: "42", sessionVersion: "1"),
            attributes: [SDPAttribute("group", "BUNDLE 0")],
            media: [media]
        )
        #expect(description.serialized() == """
            v=0\r
            o=- 42 1 IN IP4 127.0.0.1\r
            s=-\r
            t=0 0\r
            a=group:BUNDLE 0\r
            m=audio 9 UDP/TLS/RTP/SAVPF 111\r
            c=IN IP4 0.0.0.0\r
            a=mid:0\r
            a=rtpmap:111 opus/48000/2\r

            """)
    }
}
