import Testing
import SimSDP

@Suite("Answering the browser-shaped offers")
struct AnswerBuilderBrowserTests {
    @Test("Chrome: data channel first and rejected, BUNDLE re-tagged, sendonly → recvonly, simulcast recv")
    func chrome() throws {
        let offer = try Fixture.chromeOffer.parsed()
        let answer = try AnswerTestSupport.builder.answer(to: offer)
        let session = answer.sessionDescription
        #expect(session.media.compactMap(\.mid) == ["0", "1", "2"])
        #expect(session.media[0].port == 0)
        #expect(session.bundleMIDs == ["1", "2"])

        let audio = session.media[1]
        #expect(audio.direction == .recvonly)
        #expect(audio.formats == ["111", "63"])
        #expect(audio.msid == nil)
        #expect(audio.ssrcs.isEmpty)

        let video = session.media[2]
        #expect(video.direction == .recvonly)
        #expect(video.formats == ["96", "97", "98", "99", "100", "101", "45", "46", "102", "103", "104", "105", "106", "107", "108", "109", "127", "125"])
        #expect(AnswerTestSupport.rtxProblems(in: video).isEmpty)
        #expect(video.rids == ["q", "h", "f"].map { RIDDescription(id: RID($0), direction: .recv) })
        #expect(video.simulcast == SimulcastDescription(receive: [[.init(rid: "q")], [.init(rid: "h")], [.init(rid: "f")]]))
        #expect(video.attributes.values(named: "simulcast") == ["recv q;h;f"])
        #expect(video.extMaps.map(\.uri).contains(RTPHeaderExtensionURI.rtpStreamID))

        #expect(answer.sections[1] == AnsweredSection(
            mid: "1", kind: .audio, accepted: true, offeredDirection: .sendonly, answeredDirection: .recvonly,
            offeredTrackID: "8e1b7c2d-4a3f-4e5b-9c6d-0f1e2d3c4b5a", rids: [],
            codecs: [
                RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2),
                RTPMap(payloadType: 63, encodingName: "red", clockRate: 48_000, channels: 2),
            ],
            headerExtensions: offer.media[1].extMaps
        ))
        #expect(answer.sections[2].rids == ["q", "h", "f"])
        #expect(answer.sections[2].offeredTrackID == "5c0d9e8f-7a6b-4c5d-8e9f-a0b1c2d3e4f5")
    }

    @Test("Chrome: an outgoing track on a sendonly section is refused")
    func chromeTrackOnSendonly() throws {
        let offer = try Fixture.chromeOffer.parsed()
        let track = OutgoingTrack(streamID: "s", trackID: "t", ssrc: 1)
        let error = try #require(throws: SDPAnswerError.self) {
            try AnswerTestSupport.builder.answer(to: offer, outgoingTracks: ["2": track])
        }
        #expect(error == .outgoingTrackOnNonReceivingSection("2", offered: .sendonly))
        #expect(throws: SDPAnswerError.unknownOutgoingMID("9")) {
            try AnswerTestSupport.builder.answer(to: offer, outgoingTracks: ["9": track])
        }
    }

    @Test("Firefox: session-level fingerprint, reversed extmap direction, dropped extensions and codecs")
    func firefox() throws {
        let offer = try Fixture.firefoxOffer.parsed()
        let answer = try AnswerTestSupport.builder.answer(to: offer)
        let session = answer.sessionDescription
        #expect(session.bundleMIDs == ["0", "1"])
        #expect(!session.extmapAllowMixed)
        #expect(session.media.allSatisfy { $0.setup == .passive && $0.candidates.isEmpty })

        let audio = session.media[0]
        #expect(audio.formats == ["109"])
        #expect(audio.fmtp(for: 109)?.parameters == "maxplaybackrate=48000;stereo=1;useinbandfec=1")
        #expect(audio.extMaps.map(\.uri) == [RTPHeaderExtensionURI.audioLevel, RTPHeaderExtensionURI.mid])
        #expect(!audio.rtcpReducedSize)

        let video = session.media[1]
        #expect(video.formats == ["120", "124", "121", "125", "126", "127", "97", "98"])
        #expect(AnswerTestSupport.rtxProblems(in: video).isEmpty)
        #expect(video.fmtp(for: 126)?.parameters == "profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1")
        #expect(video.rtcpFeedback(for: 123).isEmpty)
        #expect(video.extMaps.contains(ExtMap(id: 6, direction: .sendonly, uri: RTPHeaderExtensionURI.playoutDelay)))
        #expect(!video.extMaps.contains { $0.uri == "urn:ietf:params:rtp-hdrext:toffset" })
        #expect(video.attributes.values(named: "simulcast") == ["recv q;h;f"])
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(video.ssrcs.isEmpty)
        #expect(answer.sections.map(\.offeredTrackID) == [
            "{0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b}", "{7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918}",
        ])
    }

    @Test("Safari: H.264 stays first; H.265, RED and ulpfec dropped with their RTX")
    func safari() throws {
        let offer = try Fixture.safariOffer.parsed()
        let answer = try AnswerTestSupport.builder.answer(to: offer)
        let video = answer.sessionDescription.media[1]
        #expect(video.formats == ["96", "97", "98", "99", "127", "125", "104", "106"])
        #expect(video.primaryCodec?.encodingName == "H264")
        #expect(video.fmtp(for: 96)?.value(for: "profile-level-id") == "640c1f")
        #expect(AnswerTestSupport.rtxProblems(in: video).isEmpty)
        #expect(answer.sessionDescription.media[0].formats == ["111", "63"])
        #expect(answer.sections.allSatisfy { $0.accepted && $0.answeredDirection == .recvonly })
        #expect(answer.sections.allSatisfy { $0.rids.isEmpty })
    }

    @Test("answers to every offer fixture round-trip and carry no unsupported codec", arguments: [
        Fixture.pythonOffer, .chromeOffer, .firefoxOffer, .safariOffer,
    ])
    func answersAreWellFormed(fixture: Fixture) throws {
        let answer = try AnswerTestSupport.builder.answer(to: fixture.parsed())
        let text = answer.sdp
        #expect(try SessionDescription.parse(text).serialized() == text)
        let supported: Set<String> = ["opus", "red", "rtx", "vp8", "vp9", "h264", "av1"]
        for media in answer.sessionDescription.media where !media.isRejected && media.kind.isRTP {
            #expect(media.rtpMaps.allSatisfy { supported.contains($0.normalizedName) })
            #expect(Set(media.rtpMaps.map(\.payloadType)) == Set(media.payloadTypes))
            #expect(AnswerTestSupport.rtxProblems(in: media).isEmpty)
            #expect(media.rtcpFeedback.allSatisfy { SDPAnswerConfiguration.defaultRTCPFeedback.contains($0.feedbackID) })
            #expect(media.extMaps.allSatisfy { RTPHeaderExtensionURI.supportedByDefault.contains($0.uri) })
        }
    }
}
