import SimSDP
import Testing

@Suite("The offerer's transport and an echo's routing, read from an offer and our answer")
struct OfferedTransportTests {
    /// A sendrecv video section with VP8 + RTX and its FID group, as an aiortc client offers it.
    let offer = AnswerTestSupport.offer(bundle: ["0"], sections: [[
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=ice-ufrag:vUfr", "a=ice-pwd:videopasswordvideopassword",
        "a=fingerprint:sha-256 0A:0B", "a=setup:actpass", "a=mid:0", "a=sendrecv", "a=rtcp-mux",
        "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
        "a=ssrc-group:FID 1111 2222", "a=ssrc:1111 cname:c", "a=ssrc:2222 cname:c",
        "a=candidate:1 1 udp 2130706431 198.18.0.2 40000 typ host",
    ]])

    @Test("the section's credentials, fingerprint and candidates, and our DTLS role")
    func transport() throws {
        let parsed = try SDPParser.parse(offer)
        let answer = try AnswerTestSupport.builder.answer(to: parsed)
        let remote = try #require(OfferedTransport(offer: parsed, answer: answer))
        #expect(remote.iceUfrag == "vUfr" && remote.icePwd == "videopasswordvideopassword")
        #expect(remote.fingerprint == DTLSFingerprint(algorithm: "sha-256", value: "0A:0B"))
        #expect(remote.candidates == ["1 1 udp 2130706431 198.18.0.2 40000 typ host"])
        #expect(!remote.weAreDTLSClient)  // we answer passive to actpass by default
        var active = AnswerTestSupport.configuration
        active.setupRole = .active
        let activeAnswer = try SDPAnswerBuilder(configuration: active).answer(to: parsed)
        #expect(OfferedTransport(offer: parsed, answer: activeAnswer)?.weAreDTLSClient == true)
        let bare = try SDPParser.parse(AnswerTestSupport.offer(bundle: ["0"], sections: [["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0", "a=rtpmap:96 VP8/90000"]]))
        #expect(OfferedTransport(offer: bare, answer: answer) == nil)
    }

    @Test("media SSRCs without repair ones, codecs by payload type, and the payload types the answer kept")
    func echoRouting() throws {
        let parsed = try SDPParser.parse(offer)
        let answer = try AnswerTestSupport.builder.answer(to: parsed)
        let video = try #require(parsed.media.first)
        let routing = EchoRouting(offered: video, answered: answer.section("0"))
        #expect(routing.ssrcs == [1111])
        #expect(routing.codecs == [96: "vp8", 97: "rtx"])
        #expect(routing.payloadTypes == [96: 96])
    }
}
