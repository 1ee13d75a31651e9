import Testing
import SimSDP

@Suite("Answering the captured LiveKit Python offer")
struct AnswerBuilderPythonTests {
    let offer: SessionDescription
    let answer: SDPAnswer

    init() throws {
        offer = try Fixture.pythonOffer.parsed()
        answer = try AnswerTestSupport.builder.answer(to: offer)
    }

    @Test("same m-lines, same order, same mids; application rejected and out of BUNDLE")
    func sectionsAndBundle() {
        let media = answer.sessionDescription.media
        #expect(media.map(\.kind) == offer.media.map(\.kind))
        #expect(media.compactMap(\.mid) == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(answer.sessionDescription.bundleMIDs == ["0", "1", "2", "3", "4", "5"])
        #expect(media[6].port == 0)
        #expect(media[6].isRejected)
        #expect(media[6].formats == ["webrtc-datachannel"])
        #expect(media[6].attributes == [SDPAttribute("mid", "6")])
        #expect(answer.sections[6] == AnsweredSection(
            mid: "6", kind: .application, accepted: false, offeredDirection: .sendrecv, answeredDirection: .inactive
        ))
        #expect(media.prefix(6).allSatisfy { $0.port == 9 })
    }

    @Test("recvonly slots with no outgoing track are answered inactive")
    func directions() {
        #expect(answer.sections.prefix(6).allSatisfy { $0.accepted && $0.offeredDirection == .recvonly })
        #expect(answer.sections.prefix(6).allSatisfy { $0.answeredDirection == .inactive })
        #expect(answer.sessionDescription.media.prefix(6).allSatisfy { $0.direction == .inactive })
    }

    @Test("session level: origin, extmap-allow-mixed, msid-semantic, no media-level leftovers")
    func sessionLevel() {
        let session = answer.sessionDescription
        #expect(session.origin == SDPOrigin(sessionID: "4242424242", sessionVersion: "3"))
        #expect(session.timings == [SDPTiming()])
        #expect(session.extmapAllowMixed)
        #expect(session.attributes.first(named: "msid-semantic")?.value == " WMS")
        #expect(!session.iceLite)
    }

    @Test("transport attributes are ours; setup passive for an actpass offer")
    func transport() {
        let configuration = AnswerTestSupport.configuration
        for media in answer.sessionDescription.media.prefix(6) {
            #expect(media.iceUfrag == configuration.iceUfrag)
            #expect(media.icePwd == configuration.icePwd)
            #expect(media.fingerprint == configuration.fingerprint)
            #expect(media.iceOptions == ["trickle"])
            #expect(media.setup == .passive)
            #expect(media.rtcpMux)
            #expect(media.rtcpReducedSize)
            #expect(media.connection == SDPConnection())
            #expect(media.attributes.values(named: "rtcp") == ["9 IN IP4 0.0.0.0"])
        }
    }

    @Test("audio keeps opus and RED with the offer's payload types")
    func audioCodecs() throws {
        let audio = answer.sessionDescription.media[0]
        #expect(audio.formats == ["111", "63"])
        #expect(audio.rtpMaps.map(\.attributeValue) == ["111 opus/48000/2", "63 red/48000/2"])
        #expect(audio.fmtp(for: 111)?.parameters == "minptime=10;useinbandfec=1")
        #expect(audio.fmtp(for: 63)?.redundantPayloadTypes == [111, 111])
        #expect(audio.rtcpFeedback == [RTCPFeedback(payloadType: 111, type: "transport-cc")])
        #expect(answer.sections[0].codecs.map(\.encodingName) == ["opus", "red"])
        #expect(audio.extMaps.map(\.id) == [1, 2, 3, 4])
    }

    @Test("video keeps VP8, H.264 (offered fmtp), AV1, VP9 and their RTX; drops RED, its RTX and ulpfec")
    func videoCodecs() throws {
        let video = answer.sessionDescription.media[3]
        #expect(video.formats == [
            "96", "97", "103", "104", "107", "108", "109", "114", "115", "116", "117", "118", "39", "40", "45", "46",
            "98", "99", "100", "101",
        ])
        #expect(AnswerTestSupport.rtxProblems(in: video).isEmpty)
        #expect(video.fmtp(for: 103)?.parameters == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f")
        #expect(video.fmtp(for: 117)?.value(for: "profile-level-id") == "4d001f")
        #expect(video.fmtp(for: 100)?.value(for: "profile-id") == "2")
        #expect(video.rtpMap(for: 119) == nil)
        #expect(video.fmtp(for: 120) == nil)
        #expect(video.rtcpFeedback(for: 96).map(\.feedbackID) == ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"])
    }

    @Test("video keeps supported header extensions with the offer's ids")
    func videoExtensions() {
        let video = answer.sessionDescription.media[3]
        #expect(video.extMaps == [
            ExtMap(id: 2, uri: RTPHeaderExtensionURI.absSendTime),
            ExtMap(id: 13, uri: RTPHeaderExtensionURI.videoOrientation),
            ExtMap(id: 3, uri: RTPHeaderExtensionURI.transportWideCC),
            ExtMap(id: 5, uri: RTPHeaderExtensionURI.playoutDelay),
            ExtMap(id: 4, uri: RTPHeaderExtensionURI.mid),
            ExtMap(id: 10, uri: RTPHeaderExtensionURI.rtpStreamID),
            ExtMap(id: 11, uri: RTPHeaderExtensionURI.repairedRTPStreamID),
        ])
        #expect(answer.sections[3].headerExtensions == video.extMaps)
    }

    @Test("an outgoing track on a recvonly slot makes it sendonly with msid and ssrc lines")
    func outgoingTracks() throws {
        let video = OutgoingTrack(streamID: "PA_abc|TR_VCxyz", trackID: "TR_VCxyz", ssrc: 1111, rtxSSRC: 2222)
        let audio = OutgoingTrack(streamID: "PA_abc|TR_AMxyz", trackID: "TR_AMxyz", ssrc: 3333)
        let answer = try AnswerTestSupport.builder.answer(to: offer, outgoingTracks: ["4": video, "1": audio])

        let videoSection = answer.sessionDescription.media[4]
        #expect(videoSection.direction == .sendonly)
        #expect(videoSection.msid == MSID(streamID: "PA_abc|TR_VCxyz", trackID: "TR_VCxyz"))
        #expect(videoSection.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [1111, 2222])])
        #expect(videoSection.ssrcAttributes == [
            SSRCAttribute(ssrc: 1111, name: "cname", value: "sfusim"),
            SSRCAttribute(ssrc: 1111, name: "msid", value: "PA_abc|TR_VCxyz TR_VCxyz"),
            SSRCAttribute(ssrc: 2222, name: "cname", value: "sfusim"),
            SSRCAttribute(ssrc: 2222, name: "msid", value: "PA_abc|TR_VCxyz TR_VCxyz"),
        ])
        #expect(answer.section("4")?.answeredDirection == .sendonly)
        #expect(answer.section("4")?.outgoingTrackID == "TR_VCxyz")

        let audioSection = answer.sessionDescription.media[1]
        #expect(audioSection.direction == .sendonly)
        #expect(audioSection.ssrcGroups.isEmpty)
        #expect(audioSection.ssrcs == [3333])

        #expect(answer.sessionDescription.media[3].direction == .inactive)
        #expect(answer.sessionDescription.media[3].msid == nil)
        // What the client sees: our answer's sendonly sections are its incoming tracks.
        #expect(answer.sessionDescription.publishedSections.map(\.trackID) == ["TR_AMxyz", "TR_VCxyz"])
    }

    @Test("the answer is valid SDP that round-trips byte for byte")
    func answerRoundTrip() throws {
        let text = answer.sdp
        #expect(text.hasSuffix("\r\n"))
        let reparsed = try SessionDescription.parse(text)
        #expect(reparsed == answer.sessionDescription)
        #expect(reparsed.serialized() == text)
    }

    @Test("data channels accepted on request")
    func dataChannelsAccepted() throws {
        var configuration = AnswerTestSupport.configuration
        configuration.acceptDataChannels = true
        let answer = try SDPAnswerBuilder(configuration: configuration).answer(to: offer)
        let data = answer.sessionDescription.media[6]
        #expect(data.port == 9)
        #expect(data.formats == ["webrtc-datachannel"])
        #expect(data.sctpPort == 5000)
        #expect(data.maxMessageSize == 262_144)
        #expect(data.setup == .passive)
        #expect(data.attributes.values(named: "rtcp").isEmpty)
        #expect(answer.sessionDescription.bundleMIDs == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(answer.section("6")?.accepted == true)
    }

    @Test("configured setup role, ICE lite, candidates")
    func configurationOptions() throws {
        var configuration = AnswerTestSupport.configuration
        configuration.setupRole = .active
        configuration.iceLite = true
        configuration.candidates = ["1 1 udp 2130706431 127.0.0.1 50000 typ host"]
        configuration.endOfCandidates = true
        configuration.iceOptions = []
        let answer = try SDPAnswerBuilder(configuration: configuration).answer(to: offer)
        #expect(answer.sessionDescription.iceLite)
        let audio = answer.sessionDescription.media[0]
        #expect(audio.setup == .active)
        #expect(audio.candidates == ["1 1 udp 2130706431 127.0.0.1 50000 typ host"])
        #expect(audio.attributes.contains(named: "end-of-candidates"))
        #expect(!audio.attributes.contains(named: "ice-options"))
    }

    @Test("the same inputs give the same answer")
    func deterministic() throws {
        let again = try AnswerTestSupport.builder.answer(to: offer)
        #expect(again == answer)
        #expect(again.sdp == answer.sdp)
    }
}
