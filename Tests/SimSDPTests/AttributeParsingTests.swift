import Testing
import SimSDP

@Suite("Typed attribute values")
struct AttributeParsingTests {
    @Test("rtpmap with and without channels; malformed values")
    func rtpMap() {
        let opus = RTPMap(attributeValue: "111 opus/48000/2")
        #expect(opus == RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2))
        #expect(opus?.attributeValue == "111 opus/48000/2")
        #expect(RTPMap(attributeValue: "96 VP8/90000")?.attributeValue == "96 VP8/90000")
        for bad in ["", "111", "x opus/48000", "128 opus/48000", "111 opus", "111 opus/fast", "111 /48000", "111 opus/48000/2/3", "-1 a/1"] {
            #expect(RTPMap(attributeValue: bad) == nil, "\(bad)")
        }
    }

    @Test("payload types are 7 bits")
    func payloadType() {
        #expect(PayloadType(exactly: 127)?.value == 127)
        #expect(PayloadType(exactly: 128) == nil)
        #expect(PayloadType(exactly: -1) == nil)
        #expect(PayloadType(96) < PayloadType(97))
        #expect(PayloadType(111).description == "111")
    }

    @Test("fmtp key/value pairs, apt and RED lists")
    func formatParameters() throws {
        let h264 = try #require(FormatParameters(attributeValue: "103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"))
        #expect(h264.keyValuePairs.map(\.key) == ["level-asymmetry-allowed", "packetization-mode", "profile-level-id"])
        #expect(h264.value(for: "profile-level-id") == "42001f")
        #expect(h264.associatedPayloadType == nil)
        #expect(h264.redundantPayloadTypes == nil)
        #expect(FormatParameters(attributeValue: "97 apt=96")?.associatedPayloadType == 96)
        #expect(FormatParameters(attributeValue: "97 apt=200")?.associatedPayloadType == nil)
        #expect(FormatParameters(attributeValue: "63 111/111")?.redundantPayloadTypes == [111, 111])
        #expect(FormatParameters(attributeValue: "63 111/x")?.redundantPayloadTypes == nil)
        #expect(FormatParameters(attributeValue: "101 0-15")?.attributeValue == "101 0-15")
        #expect(FormatParameters(attributeValue: "x apt=1") == nil)
    }

    @Test("rtcp-fb: payload type, wildcard, parameter")
    func rtcpFeedback() {
        #expect(RTCPFeedback(attributeValue: "96 nack pli") == RTCPFeedback(payloadType: 96, type: "nack", parameter: "pli"))
        #expect(RTCPFeedback(attributeValue: "96 nack")?.feedbackID == "nack")
        #expect(RTCPFeedback(attributeValue: "* ccm fir") == RTCPFeedback(payloadType: nil, type: "ccm", parameter: "fir"))
        #expect(RTCPFeedback(attributeValue: "* ccm fir")?.attributeValue == "* ccm fir")
        #expect(RTCPFeedback(attributeValue: "96") == nil)
        #expect(RTCPFeedback(attributeValue: "nack pli") == nil)
    }

    @Test("extmap: id, direction, uri, attributes")
    func extMap() {
        #expect(ExtMap(attributeValue: "6/recvonly http://x/playout-delay") == ExtMap(id: 6, direction: .recvonly, uri: "http://x/playout-delay"))
        #expect(ExtMap(attributeValue: "1 urn:a attr1 attr2")?.extensionAttributes == "attr1 attr2")
        #expect(ExtMap(attributeValue: "6/sendonly urn:a")?.attributeValue == "6/sendonly urn:a")
        for bad in ["0 urn:a", "256 urn:a", "x urn:a", "1/sideways urn:a", "1", "1 "] {
            #expect(ExtMap(attributeValue: bad) == nil, "\(bad)")
        }
    }

    @Test("ssrc attributes and groups")
    func ssrc() {
        #expect(SSRCAttribute(attributeValue: "1234 cname:abc") == SSRCAttribute(ssrc: 1234, name: "cname", value: "abc"))
        #expect(SSRCAttribute(attributeValue: "1234 msid:a b")?.value == "a b")
        #expect(SSRCAttribute(attributeValue: "4294967295 mslabel")?.value == nil)
        #expect(SSRCAttribute(attributeValue: "4294967296 cname:x") == nil)
        #expect(SSRCAttribute(attributeValue: "12") == nil)
        #expect(SSRCGroup(attributeValue: "SIM 1 2 3") == SSRCGroup(semantics: "SIM", ssrcs: [1, 2, 3]))
        #expect(SSRCGroup(attributeValue: "FID 1 x") == nil)
        #expect(SSRCGroup(attributeValue: "FID 1 2")?.attributeValue == "FID 1 2")
    }

    @Test("rid with restrictions")
    func rid() {
        let rid = RIDDescription(attributeValue: "f send max-width=1280;max-height=720")
        #expect(rid == RIDDescription(id: "f", direction: .send, restrictions: "max-width=1280;max-height=720"))
        #expect(rid?.attributeValue == "f send max-width=1280;max-height=720")
        #expect(RIDDescription(attributeValue: "q recv")?.direction == .recv)
        #expect(RIDDescription(attributeValue: "q both") == nil)
        #expect(RIDDescription(attributeValue: "q") == nil)
    }

    @Test("simulcast: both directions, alternatives, paused layers, old Firefox form")
    func simulcast() {
        let both = SimulcastDescription(attributeValue: "send 1,2;~3 recv 4")
        #expect(both?.send == [
            [.init(rid: "1"), .init(rid: "2")],
            [.init(rid: "3", isPaused: true)],
        ])
        #expect(both?.receiveRIDs == ["4"])
        #expect(both?.attributeValue == "send 1,2;~3 recv 4")
        #expect(SimulcastDescription(attributeValue: " send rid=q;h;f")?.sendRIDs == ["q", "h", "f"])
        for bad in ["", "send", "sideways q", "send q;;f", "send q recv"] {
            #expect(SimulcastDescription(attributeValue: bad) == nil, "\(bad)")
        }
    }

    @Test("msid, fingerprint, group, setup")
    func misc() {
        #expect(MSID(attributeValue: "stream")?.trackID == nil)
        #expect(MSID(attributeValue: "- track")?.attributeValue == "- track")
        #expect(MSID(attributeValue: "a b c") == nil)
        #expect(DTLSFingerprint(attributeValue: "sha-256 AB:CD")?.value == "AB:CD")
        #expect(DTLSFingerprint(attributeValue: "sha-256") == nil)
        #expect(SDPGroup(attributeValue: "BUNDLE 0 1")?.mids == ["0", "1"])
        #expect(SDPGroup(attributeValue: "") == nil)
        #expect(DTLSSetupRole(rawValue: "actpass") == .actpass)
    }

    @Test("attribute lookup helpers")
    func lookups() {
        let attributes = [SDPAttribute("rtcp-mux"), SDPAttribute("mid", "0"), SDPAttribute("mid", "1")]
        #expect(attributes.contains(named: "rtcp-mux"))
        #expect(attributes.values(named: "mid") == ["0", "1"])
        #expect(attributes.first(named: "mid")?.lineValue == "mid:0")
        #expect(attributes.first(named: "rtcp-mux")?.lineValue == "rtcp-mux")
    }
}
