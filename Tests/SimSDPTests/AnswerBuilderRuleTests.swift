import Testing
import SimSDP

@Suite("Answer rules on small offers")
struct AnswerBuilderRuleTests {
    typealias Support = AnswerTestSupport

    /// Answers a one-section offer.
    func answerOne(
        _ section: [String], tracks: [MediaID: OutgoingTrack] = [:], configuration: SDPAnswerConfiguration = Support.configuration
    ) throws -> SDPAnswer {
        let offer = try SessionDescription.parse(Support.offer(bundle: ["0"], sections: [section]))
        return try SDPAnswerBuilder(configuration: configuration).answer(to: offer, outgoingTracks: tracks)
    }

    @Test("direction mapping without outgoing tracks", arguments: [
        (MediaDirection.sendonly, MediaDirection.recvonly),
        (.sendrecv, .recvonly),
        (.recvonly, .inactive),
        (.inactive, .inactive),
    ])
    func directionWithoutTrack(offered: MediaDirection, answered: MediaDirection) throws {
        let answer = try answerOne(Support.audioSection(mid: "0", direction: offered.rawValue))
        #expect(answer.sessionDescription.media[0].direction == answered)
        #expect(answer.sections[0].answeredDirection == answered)
        #expect(answer.sections[0].offeredDirection == offered)
    }

    @Test("direction mapping with an outgoing track", arguments: [
        (MediaDirection.recvonly, MediaDirection.sendonly),
        (.sendrecv, .sendrecv),
    ])
    func directionWithTrack(offered: MediaDirection, answered: MediaDirection) throws {
        let track = OutgoingTrack(streamID: "PA_1|TR_1", trackID: "TR_1", ssrc: 42)
        let answer = try answerOne(Support.audioSection(mid: "0", direction: offered.rawValue), tracks: ["0": track])
        let media = answer.sessionDescription.media[0]
        #expect(media.direction == answered)
        #expect(media.msid == MSID(streamID: "PA_1|TR_1", trackID: "TR_1"))
        #expect(media.ssrcs == [42])
    }

    @Test("outgoing tracks on sendonly or inactive sections are refused", arguments: [MediaDirection.sendonly, .inactive])
    func trackOnNonReceiving(offered: MediaDirection) throws {
        let track = OutgoingTrack(streamID: "s", trackID: "t", ssrc: 1)
        #expect(throws: SDPAnswerError.outgoingTrackOnNonReceivingSection("0", offered: offered)) {
            try answerOne(Support.audioSection(mid: "0", direction: offered.rawValue), tracks: ["0": track])
        }
    }

    @Test("setup: actpass → configured role, active → passive, passive → active, absent → passive, holdconn refused")
    func setupRoles() throws {
        func role(offering setup: String?, preferring preferred: SDPAnswerConfiguration.SetupRole = .passive) throws -> DTLSSetupRole? {
            var section = Support.audioSection(mid: "0").filter { !$0.hasPrefix("a=setup") }
            if let setup { section.append("a=setup:\(setup)") }
            var configuration = Support.configuration
            configuration.setupRole = preferred
            return try answerOne(section, configuration: configuration).sessionDescription.media[0].setup
        }
        #expect(try role(offering: "actpass") == .passive)
        #expect(try role(offering: "actpass", preferring: .active) == .active)
        #expect(try role(offering: "active", preferring: .active) == .passive)
        #expect(try role(offering: "passive") == .active)
        #expect(try role(offering: nil) == .passive)
        #expect(throws: SDPAnswerError.unsupportedSetupRole("0", .holdconn)) { try role(offering: "holdconn") }
    }

    @Test("a video section with no supported codec is rejected and leaves the BUNDLE group")
    func noCommonCodec() throws {
        let offer = try SessionDescription.parse(Support.offer(bundle: ["0", "1"], sections: [
            Support.audioSection(mid: "0"),
            ["m=video 9 UDP/TLS/RTP/SAVPF 100 101", "c=IN IP4 0.0.0.0", "a=setup:actpass", "a=mid:1", "a=sendonly",
             "a=rtpmap:100 H265/90000", "a=rtpmap:101 rtx/90000", "a=fmtp:101 apt=100"],
        ]))
        let answer = try Support.builder.answer(to: offer)
        let video = answer.sessionDescription.media[1]
        #expect(video.port == 0)
        #expect(video.mid == "1")
        #expect(video.formats == ["100", "101"])
        #expect(answer.sessionDescription.bundleMIDs == ["0"])
        #expect(answer.sections[1].accepted == false)
        #expect(answer.sections[1].answeredDirection == .inactive)
    }

    @Test("RTX is kept only with a kept apt; RED only when it carries kept payload types")
    func dependentCodecs() throws {
        let answer = try answerOne(Support.audioSection(mid: "0", extra: []).map {
            $0 == "m=audio 9 UDP/TLS/RTP/SAVPF 111" ? "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 62 61 0" : $0
        } + [
            "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111",
            "a=rtpmap:62 red/48000/2", "a=fmtp:62 111/0",
            "a=rtpmap:61 red/48000/2",
            "a=rtpmap:0 PCMU/8000",
        ])
        #expect(answer.sessionDescription.media[0].formats == ["111", "63"])

        let video = try answerOne([
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendonly",
            "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:98 rtx/90000", "a=fmtp:98 apt=100",
            "a=rtpmap:99 rtx/90000",
            "a=rtpmap:100 H265/90000",
        ])
        #expect(video.sessionDescription.media[0].formats == ["96", "97"])
    }

    @Test("codec filtering is configurable and case-insensitive; wrong clock rates are dropped")
    func configuredCodecs() throws {
        var configuration = Support.configuration
        configuration.videoCodecs = ["H264"]
        configuration.acceptsRTX = false
        let answer = try answerOne([
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104", "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendonly",
            "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 h264/90000", "a=rtpmap:103 rtx/90000", "a=fmtp:103 apt=102",
            "a=rtpmap:104 H264/48000",
        ], configuration: configuration)
        #expect(answer.sessionDescription.media[0].formats == ["102"])
    }

    @Test("only supported RTCP feedback is kept, including wildcard lines")
    func feedbackFiltering() throws {
        let answer = try answerOne(Support.audioSection(mid: "0", extra: [
            "a=rtcp-fb:111 nack", "a=rtcp-fb:111 nack sli", "a=rtcp-fb:* ccm fir", "a=rtcp-fb:* ccm tmmbr", "a=rtcp-fb:96 nack",
        ]))
        #expect(answer.sessionDescription.media[0].attributes.values(named: "rtcp-fb") == ["111 nack", "* ccm fir"])
    }

    @Test("RTX SSRC is written only when an RTX codec is kept")
    func rtxSSRCNeedsRTXCodec() throws {
        let track = OutgoingTrack(streamID: "s", trackID: "t", ssrc: 10, rtxSSRC: 11)
        let answer = try answerOne(Support.audioSection(mid: "0", direction: "recvonly"), tracks: ["0": track])
        let media = answer.sessionDescription.media[0]
        #expect(media.ssrcGroups.isEmpty)
        #expect(media.ssrcs == [10])
    }

    @Test("offer errors: missing mid, duplicate mid")
    func offerErrors() throws {
        let noMID = try SessionDescription.parse(Support.offer(bundle: ["0"], sections: [
            Support.audioSection(mid: "0"),
            ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2"],
        ]))
        #expect(throws: SDPAnswerError.missingMID(sectionIndex: 1)) { try Support.builder.answer(to: noMID) }
        let duplicate = try SessionDescription.parse(Support.offer(bundle: ["0"], sections: [
            Support.audioSection(mid: "0"), Support.audioSection(mid: "0"),
        ]))
        #expect(throws: SDPAnswerError.duplicateMID("0")) { try Support.builder.answer(to: duplicate) }
    }

    @Test("a section the offerer stopped (port 0) stays rejected; bundle-only is accepted")
    func offeredPortZero() throws {
        let stopped = Support.audioSection(mid: "1").map { $0.hasPrefix("m=audio") ? "m=audio 0 UDP/TLS/RTP/SAVPF 111" : $0 }
        let bundleOnly = Support.audioSection(mid: "2", extra: ["a=bundle-only"]).map {
            $0.hasPrefix("m=audio") ? "m=audio 0 UDP/TLS/RTP/SAVPF 111" : $0
        }
        let offer = try SessionDescription.parse(Support.offer(bundle: ["0", "2"], sections: [
            Support.audioSection(mid: "0"), stopped, bundleOnly,
        ]))
        let answer = try Support.builder.answer(to: offer)
        #expect(answer.sessionDescription.media.map(\.port) == [9, 0, 9])
        #expect(answer.sessionDescription.bundleMIDs == ["0", "2"])
    }

    @Test("offers without BUNDLE get no group; other m= kinds are rejected")
    func noBundleAndOtherKinds() throws {
        let text = Support.offer(bundle: [], sections: [
            Support.audioSection(mid: "a"), ["m=text 9 RTP/AVP 98", "a=mid:t", "a=rtpmap:98 t140/1000"],
        ]).replacing("a=group:BUNDLE \r\n", with: "")
        let offer = try SessionDescription.parse(text)
        #expect(offer.groups.isEmpty)
        let answer = try Support.builder.answer(to: offer)
        #expect(answer.sessionDescription.groups.isEmpty)
        #expect(answer.sessionDescription.media.map(\.port) == [9, 0])
        #expect(answer.sessionDescription.media[1].kind == .other("text"))
    }

    @Test("media-level extmap-allow-mixed is echoed")
    func mediaLevelAllowMixed() throws {
        let answer = try answerOne(Support.audioSection(mid: "0", extra: ["a=extmap-allow-mixed"]))
        #expect(answer.sessionDescription.media[0].extmapAllowMixed)
        #expect(!answer.sessionDescription.extmapAllowMixed)
    }
}
