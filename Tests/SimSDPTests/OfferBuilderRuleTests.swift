import Testing
import SimSDP

@Suite("Subscriber offer rules on small templates")
struct OfferBuilderRuleTests {
    typealias Support = OfferTestSupport

    /// Offers one track section on mid 0 with `template`.
    func offerOne(_ template: MediaDescription, kind: MediaKind? = nil) throws -> MediaDescription {
        let section = SDPOfferSection.track(mid: "0", kind: kind ?? template.kind, template: template, track: Support.videoTrack)
        return try Support.builder.offer(sections: [section]).sessionDescription.media[0]
    }

    @Test("RED is dropped when its fmtp names a dropped payload type or when it has no fmtp")
    func redNeedsKeptPrimary() throws {
        let crossReference = try Support.template(kind: "audio", formats: "111 63 0", lines: [
            "a=rtpmap:111 opus/48000/2", "a=rtpmap:63 red/48000/2", "a=fmtp:63 0/0", "a=rtpmap:0 PCMU/8000",
        ])
        #expect(try offerOne(crossReference).formats == ["111"])
        let bare = try Support.template(kind: "audio", formats: "111 63", lines: [
            "a=rtpmap:111 opus/48000/2", "a=rtpmap:63 red/48000/2",
        ])
        #expect(try offerOne(bare).formats == ["111"])
        let kept = try Support.template(kind: "audio", formats: "63 111", lines: [
            "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:111 opus/48000/2",
        ])
        #expect(try offerOne(kept).formats == ["63", "111"])  // the template's order, RED first
    }

    @Test("a codec with the wrong clock rate, or of the other kind, is dropped")
    func clockRateAndKind() throws {
        let template = try Support.template(kind: "video", formats: "96 97 111", lines: [
            "a=rtpmap:96 VP8/90000", "a=rtpmap:97 H264/48000", "a=rtpmap:111 opus/48000/2",
        ])
        #expect(try offerOne(template).formats == ["96"])
    }

    @Test("only the first rtpmap and fmtp of a payload type are used; repeated formats are written once")
    func firstLinesWin() throws {
        let template = try Support.template(kind: "video", formats: "96 96 98", lines: [
            "a=rtpmap:96 VP8/90000", "a=rtpmap:96 rtx/90000", "a=rtpmap:98 VP9/90000",
            "a=fmtp:98 profile-id=0", "a=fmtp:98 profile-id=2",
        ])
        let media = try offerOne(template)
        #expect(media.formats == ["96", "98"])
        #expect(media.attributes.values(named: "rtpmap") == ["96 VP8/90000", "98 VP9/90000"])
        #expect(media.attributes.values(named: "fmtp") == ["98 profile-id=0"])
    }

    @Test("wildcard feedback is kept when allowed; transport-cc, rrtr and duplicates are not")
    func feedbackFilter() throws {
        let template = try Support.template(kind: "video", formats: "96 97", lines: [
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:* nack", "a=rtcp-fb:* transport-cc", "a=rtcp-fb:96 nack pli",
            "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 rrtr", "a=rtcp-fb:97 nack", "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
        ])
        let media = try offerOne(template)
        #expect(media.attributes.values(named: "rtcp-fb") == ["* nack", "96 nack pli"])
        #expect(media.formats == ["96"])
    }

    @Test("the template's extmap, ssrc, rid and simulcast lines never reach the offer")
    func templateTransportLinesDropped() throws {
        let template = try Support.template(kind: "video", formats: "96", lines: [
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=rtpmap:96 VP8/90000", "a=rid:q send",
            "a=simulcast:send q", "a=ssrc:99 cname:publisher", "a=msid:pub-stream pub-track",
        ])
        let media = try offerOne(template)
        #expect(media.extMaps.isEmpty)
        #expect(media.rids.isEmpty)
        #expect(media.simulcast == nil)
        #expect(media.ssrcs == [Support.videoTrack.ssrc])
        #expect(media.msid == MSID(streamID: Support.videoTrack.streamID, trackID: Support.videoTrack.trackID))
    }

    @Test("forwardedPayloadTypes on the Python template matches what the offer writes")
    func forwardedPayloadTypes() throws {
        let templates = try Support.pythonTemplates()
        #expect(SDPOfferBuilder.forwardedPayloadTypes(in: templates.audio) == [111, 63])
        #expect(SDPOfferBuilder.forwardedPayloadTypes(in: templates.video) == [96, 103, 107, 109, 115, 117, 39, 45, 98, 100])
    }

    // MARK: Errors

    @Test("no sections")
    func noSections() {
        #expect(throws: SDPOfferError.noSections) { try Support.builder.offer(sections: []) }
    }

    @Test("mids that are not SDP tokens are refused", arguments: ["", "a b", "x\r\ny", "caf\u{E9}"])
    func invalidMID(mid: String) {
        #expect(throws: SDPOfferError.invalidMID(MediaID(mid))) {
            try Support.builder.offer(sections: [.inactive(mid: MediaID(mid), kind: .audio)])
        }
    }

    @Test("duplicate mids are refused")
    func duplicateMID() {
        #expect(throws: SDPOfferError.duplicateMID("0")) {
            try Support.builder.offer(sections: [.inactive(mid: "0", kind: .audio), .inactive(mid: "0", kind: .video)])
        }
    }

    @Test("sections that are not audio or video are refused", arguments: [MediaKind.application, .other("text")])
    func unsupportedKind(kind: MediaKind) {
        #expect(throws: SDPOfferError.unsupportedKind("0", kind)) {
            try Support.builder.offer(sections: [.inactive(mid: "0", kind: kind)])
        }
    }

    @Test("a track section whose kind differs from its template's is refused")
    func templateKindMismatch() throws {
        let audio = try Support.pythonTemplates().audio
        #expect(throws: SDPOfferError.templateKindMismatch("0", section: .video, template: .audio)) {
            try offerOne(audio, kind: .video)
        }
    }

    @Test("a template with no forwardable codec is refused")
    func noForwardableCodec() throws {
        let template = try Support.template(kind: "video", formats: "116 117", lines: [
            "a=rtpmap:116 H265/90000", "a=rtpmap:117 rtx/90000", "a=fmtp:117 apt=116",
        ])
        #expect(throws: SDPOfferError.noForwardableCodec("0")) { try offerOne(template) }
    }

    @Test("msids that are not SDP tokens are refused", arguments: [("PA_a TR_b", "TR_b"), ("PA_a|TR_b", ""), ("-", "a b")])
    func invalidMSID(streamID: String, trackID: String) throws {
        let template = try Support.pythonTemplates().audio
        let track = OutgoingTrack(streamID: streamID, trackID: trackID, ssrc: 1)
        #expect(throws: SDPOfferError.invalidMSID("0")) {
            try Support.builder.offer(sections: [.track(mid: "0", kind: .audio, template: template, track: track)])
        }
    }

    @Test("two tracks with one SSRC are refused")
    func duplicateSSRC() throws {
        let templates = try Support.pythonTemplates()
        let other = OutgoingTrack(streamID: "PA_bob|TR_AMbob", trackID: "TR_AMbob", ssrc: Support.videoTrack.ssrc)
        #expect(throws: SDPOfferError.duplicateSSRC(Support.videoTrack.ssrc)) {
            try Support.builder.offer(sections: [
                .track(mid: "0", kind: .video, template: templates.video, track: Support.videoTrack),
                .inactive(mid: "1", kind: .audio),
                .track(mid: "2", kind: .audio, template: templates.audio, track: other),
            ])
        }
    }

    @Test("malformed ICE credentials are refused", arguments: [
        ("abc", "sfusimsfusimsfusimsfusim"),  // ufrag under 4 characters
        ("sfuS", "tooshort"),  // password under 22 characters
        ("sf uS", "sfusimsfusimsfusimsfusim"),  // space is not an ice-char
        ("sfuS", "sfusimsfusimsfusimsfus=m"),  // '=' is not an ice-char
    ])
    func invalidICECredentials(ufrag: String, pwd: String) {
        var configuration = Support.configuration
        configuration.iceUfrag = ufrag
        configuration.icePwd = pwd
        #expect(throws: SDPOfferError.invalidICECredentials) {
            try SDPOfferBuilder(configuration: configuration).offer(sections: [.inactive(mid: "0", kind: .audio)])
        }
    }
}
