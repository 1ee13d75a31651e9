import Testing
import SimSDP

@Suite("Subscriber offer: golden text, round trip, placeholders, ICE restart")
struct OfferBuilderGoldenTests {
    typealias Support = OfferTestSupport

    /// The expected offer for ``OfferTestSupport/pythonTrackSections()``, line by line.
    static let trackOfferLines = """
        v=0
        o=- 5000000001 7 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=video 9 UDP/TLS/RTP/SAVPF 96 103 107 109 115 117 39 45 98 100
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:sfuS
        a=ice-pwd:sfusimsfusimsfusimsfusim
        a=ice-options:trickle
        a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
        a=setup:actpass
        a=mid:0
        a=sendonly
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=msid:PA_alice|TR_VCcam TR_VCcam
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:103 H264/90000
        a=rtcp-fb:103 goog-remb
        a=rtcp-fb:103 ccm fir
        a=rtcp-fb:103 nack
        a=rtcp-fb:103 nack pli
        a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:107 H264/90000
        a=rtcp-fb:107 goog-remb
        a=rtcp-fb:107 ccm fir
        a=rtcp-fb:107 nack
        a=rtcp-fb:107 nack pli
        a=fmtp:107 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:109 H264/90000
        a=rtcp-fb:109 goog-remb
        a=rtcp-fb:109 ccm fir
        a=rtcp-fb:109 nack
        a=rtcp-fb:109 nack pli
        a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:115 H264/90000
        a=rtcp-fb:115 goog-remb
        a=rtcp-fb:115 ccm fir
        a=rtcp-fb:115 nack
        a=rtcp-fb:115 nack pli
        a=fmtp:115 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
        a=rtpmap:117 H264/90000
        a=rtcp-fb:117 goog-remb
        a=rtcp-fb:117 ccm fir
        a=rtcp-fb:117 nack
        a=rtcp-fb:117 nack pli
        a=fmtp:117 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
        a=rtpmap:39 H264/90000
        a=rtcp-fb:39 goog-remb
        a=rtcp-fb:39 ccm fir
        a=rtcp-fb:39 nack
        a=rtcp-fb:39 nack pli
        a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 goog-remb
        a=rtcp-fb:45 ccm fir
        a=rtcp-fb:45 nack
        a=rtcp-fb:45 nack pli
        a=fmtp:45 level-idx=5;profile=0;tier=0
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 ccm fir
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=ssrc:1111111111 cname:PA_alice|TR_VCcam
        a=ssrc:1111111111 msid:PA_alice|TR_VCcam TR_VCcam
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:sfuS
        a=ice-pwd:sfusimsfusimsfusimsfusim
        a=ice-options:trickle
        a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
        a=setup:actpass
        a=mid:1
        a=sendonly
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=msid:PA_alice|TR_AMmic TR_AMmic
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=ssrc:2222222222 cname:PA_alice|TR_AMmic
        a=ssrc:2222222222 msid:PA_alice|TR_AMmic TR_AMmic
        """.split(separator: "\n").map(String.init)

    /// The expected offer for an inactive audio placeholder (mid 0) and an inactive video placeholder (mid 1).
    static let placeholderOfferLines = """
        v=0
        o=- 5000000001 7 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=audio 9 UDP/TLS/RTP/SAVPF 111
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:sfuS
        a=ice-pwd:sfusimsfusimsfusimsfusim
        a=ice-options:trickle
        a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
        a=setup:actpass
        a=mid:0
        a=inactive
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1
        m=video 9 UDP/TLS/RTP/SAVPF 96
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:sfuS
        a=ice-pwd:sfusimsfusimsfusimsfusim
        a=ice-options:trickle
        a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
        a=setup:actpass
        a=mid:1
        a=inactive
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtcp-fb:96 ccm fir
        """.split(separator: "\n").map(String.init)

    @Test("the offer from the Python publisher's video and audio sections is the golden text")
    func goldenTrackOffer() throws {
        let offer = try Support.builder.offer(sections: Support.pythonTrackSections())
        #expect(offer.sdp.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            == Self.trackOfferLines + [""])
        #expect(offer.sdp == Support.sdp(Self.trackOfferLines))
    }

    @Test("video keeps VP8, every H.264 profile, AV1 and VP9; drops RTX, video RED, ulpfec and transport-cc")
    func videoCodecFiltering() throws {
        let video = try Support.builder.offer(sections: Support.pythonTrackSections()).sessionDescription.media[0]
        #expect(video.formats == ["96", "103", "107", "109", "115", "117", "39", "45", "98", "100"])
        #expect(video.rtpMaps.map(\.normalizedName) == ["vp8", "h264", "h264", "h264", "h264", "h264", "h264", "av1", "vp9", "vp9"])
        #expect(video.rtpMaps.allSatisfy { !["rtx", "red", "ulpfec"].contains($0.normalizedName) })
        #expect(video.formatParameters.map(\.payloadType) == [103, 107, 109, 115, 117, 39, 45, 98, 100])
        #expect(video.fmtp(for: 39)?.parameters == "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f")
        #expect(Set(video.rtcpFeedback.map(\.feedbackID)) == ["goog-remb", "ccm fir", "nack", "nack pli"])
        #expect(video.rtcpFeedback.count == 4 * 10)
        #expect(video.rtcpReducedSize)
    }

    @Test("audio keeps opus and RED (whose fmtp names opus); drops G722, PCMU, PCMA, CN, telephone-event")
    func audioCodecFiltering() throws {
        let audio = try Support.builder.offer(sections: Support.pythonTrackSections()).sessionDescription.media[1]
        #expect(audio.formats == ["111", "63"])
        #expect(audio.rtpMaps.map(\.attributeValue) == ["111 opus/48000/2", "63 red/48000/2"])
        #expect(audio.fmtp(for: 63)?.redundantPayloadTypes == [111, 111])
        #expect(audio.fmtp(for: 111)?.parameters == "minptime=10;useinbandfec=1")
        #expect(audio.rtcpFeedback.isEmpty)  // the template's only feedback is transport-cc
        #expect(!audio.rtcpReducedSize)
    }

    @Test("track sections: sendonly, msid, ssrc cname/msid, actpass, only end-to-end extmaps, one BUNDLE over all mids")
    func trackSectionShape() throws {
        let offer = try Support.builder.offer(sections: Support.pythonTrackSections())
        let session = offer.sessionDescription
        #expect(session.bundleMIDs == ["0", "1"])
        #expect(session.extmapAllowMixed)
        let expectedExtensions: [[String]] = [
            ["urn:3gpp:video-orientation", "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"],
            ["urn:ietf:params:rtp-hdrext:ssrc-audio-level"],
        ]
        for ((media, track), uris) in zip(zip(session.media, [Support.videoTrack, Support.audioTrack]), expectedExtensions) {
            #expect(media.direction == .sendonly)
            #expect(media.attributes.values(named: "msid") == ["\(track.streamID) \(track.trackID)"])
            #expect(media.ssrcAttributes == [
                SSRCAttribute(ssrc: track.ssrc, name: "cname", value: track.streamID),
                SSRCAttribute(ssrc: track.ssrc, name: "msid", value: "\(track.streamID) \(track.trackID)"),
            ])
            #expect(media.ssrcGroups.isEmpty)
            // Only the end-to-end extensions, with the publisher's ids; no transport-cc, abs-send-time, mid or rid.
            #expect(media.extMaps.map(\.uri) == uris)
            #expect(media.extMaps.allSatisfy { RTPHeaderExtensionURI.forwardedEndToEnd.contains($0.uri) })
            #expect(media.setup == .actpass)
            #expect(media.iceUfrag == Support.configuration.iceUfrag)
            #expect(media.icePwd == Support.configuration.icePwd)
            #expect(media.fingerprint == Support.configuration.fingerprint)
            #expect(media.rtcpMux)
        }
        #expect(offer.midToTrackID == ["0": "TR_VCcam", "1": "TR_AMmic"])
        #expect(offer.sections.map(\.direction) == [.sendonly, .sendonly])
        #expect(offer.section("1")?.codecs.map(\.encodingName) == ["opus", "red"])
        #expect(offer.section("1")?.track == Support.audioTrack)
    }

    @Test("the offer parses back to the same model and serializes to the same bytes")
    func roundTrip() throws {
        for sections in [try Support.pythonTrackSections(), [.inactive(mid: "0", kind: .audio), .inactive(mid: "1", kind: .video)]] {
            let offer = try Support.builder.offer(sections: sections)
            let parsed = try SessionDescription.parse(offer.sdp)
            #expect(parsed == offer.sessionDescription)
            #expect(parsed.serialized() == offer.sdp)
            #expect(parsed.publishedSections.map(\.mid) == offer.sections.filter { $0.track != nil }.map(\.mid))
        }
    }

    @Test("a placeholder-only offer: inactive opus and VP8 sections, no msid or ssrc")
    func placeholderOnly() throws {
        let offer = try Support.builder.offer(sections: [.inactive(mid: "0", kind: .audio), .inactive(mid: "1", kind: .video)])
        #expect(offer.sdp == Support.sdp(Self.placeholderOfferLines))
        #expect(offer.midToTrackID.isEmpty)
        #expect(offer.sections.map(\.direction) == [.inactive, .inactive])
        for media in offer.sessionDescription.media {
            #expect(media.direction == .inactive)
            #expect(media.msid == nil)
            #expect(media.ssrcs.isEmpty)
        }
    }

    @Test("a section whose track went away becomes inactive in place; the others are unchanged")
    func unsubscribedSectionGoesInactive() throws {
        var sections = try Support.pythonTrackSections()
        let before = try Support.builder.offer(sections: sections).sessionDescription
        sections[0] = .inactive(mid: "0", kind: .video)
        let after = try Support.builder.offer(sections: sections).sessionDescription
        #expect(after.media.map(\.mid) == before.media.map(\.mid))
        #expect(after.bundleMIDs == ["0", "1"])
        #expect(after.media[0].direction == .inactive)
        #expect(after.media[0].formats == ["96"])
        #expect(after.media[0].msid == nil)
        #expect(after.media[1] == before.media[1])
    }

    @Test("an ICE restart changes exactly the ice-ufrag and ice-pwd lines")
    func iceRestart() throws {
        let sections = try Support.pythonTrackSections()
        let restarted = try Support.configuration.restartingICE(iceUfrag: "Rst1", icePwd: "restartrestartrestart22")
        let before = try Support.builder.offer(sections: sections).sdp.split(separator: "\r\n")
        let after = try SDPOfferBuilder(configuration: restarted).offer(sections: sections).sdp.split(separator: "\r\n")
        #expect(before.count == after.count)
        let changed = zip(before, after).filter { $0 != $1 }
        #expect(changed.map { String($0.1) } == [
            "a=ice-ufrag:Rst1", "a=ice-pwd:restartrestartrestart22",
            "a=ice-ufrag:Rst1", "a=ice-pwd:restartrestartrestart22",
        ])
        #expect(changed.map { String($0.0) } == [
            "a=ice-ufrag:sfuS", "a=ice-pwd:sfusimsfusimsfusimsfusim",
            "a=ice-ufrag:sfuS", "a=ice-pwd:sfusimsfusimsfusimsfusim",
        ])
        #expect(restarted.sessionID == Support.configuration.sessionID)
        #expect(restarted.sessionVersion == Support.configuration.sessionVersion)
    }

    @Test("an ICE restart that keeps the ufrag or the password is refused", arguments: [
        ("sfuS", "restartrestartrestart22"),
        ("Rst1", "sfusimsfusimsfusimsfusim"),
    ])
    func iceRestartReusingCredentials(ufrag: String, pwd: String) {
        #expect(throws: SDPOfferError.iceRestartReusesCredentials) {
            try Support.configuration.restartingICE(iceUfrag: ufrag, icePwd: pwd)
        }
    }
}
