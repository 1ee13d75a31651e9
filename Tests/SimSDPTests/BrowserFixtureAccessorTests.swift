import Testing
import SimSDP

@Suite("Typed accessors on the browser-shaped fixtures")
struct BrowserFixtureAccessorTests {
    @Test("Chrome: simulcast rids, msid with and without stream, published sections")
    func chrome() throws {
        let offer = try Fixture.chromeOffer.parsed()
        #expect(offer.bundleMIDs == ["0", "1", "2"])
        let audio = try #require(offer.media(withMID: "1"))
        #expect(audio.direction == .sendonly)
        #expect(audio.msid == MSID(streamID: "3d6b2c1e-5f0a-4c8e-9b7d-1a2e3f4c5d6e", trackID: "8e1b7c2d-4a3f-4e5b-9c6d-0f1e2d3c4b5a"))
        #expect(audio.ssrcs == [1_794_381_267])
        #expect(audio.ssrcAttributes.first == SSRCAttribute(ssrc: 1_794_381_267, name: "cname", value: "Vq2nR8xLk5bT0wYe"))
        let video = try #require(offer.media(withMID: "2"))
        #expect(video.msid == MSID(streamID: "-", trackID: "5c0d9e8f-7a6b-4c5d-8e9f-a0b1c2d3e4f5"))
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(video.rids.allSatisfy { $0.direction == .send && $0.restrictions == nil })
        #expect(video.simulcast?.sendRIDs == ["q", "h", "f"])
        #expect(video.simulcast?.receive.isEmpty == true)
        #expect(video.ssrcs.isEmpty)

        #expect(offer.publishedSections == [
            PublishedSection(
                mid: "1", kind: .audio, streamID: "3d6b2c1e-5f0a-4c8e-9b7d-1a2e3f4c5d6e",
                trackID: "8e1b7c2d-4a3f-4e5b-9c6d-0f1e2d3c4b5a", rids: [], mimeType: "audio/opus"
            ),
            PublishedSection(
                mid: "2", kind: .video, streamID: "-", trackID: "5c0d9e8f-7a6b-4c5d-8e9f-a0b1c2d3e4f5",
                rids: ["q", "h", "f"], mimeType: "video/VP8"
            ),
        ])
        #expect(offer.recvSlots.isEmpty)
    }

    @Test("Firefox: session-level fingerprint fallback, extmap direction, ssrc groups, candidates")
    func firefox() throws {
        let offer = try Fixture.firefoxOffer.parsed()
        #expect(offer.origin.username == "mozilla...THIS_IS_SDPARTA-128.0")
        #expect(offer.origin.sessionVersion == "0")
        let sessionFingerprint = try #require(offer.fingerprint)
        #expect(sessionFingerprint.algorithm == "sha-256")
        #expect(offer.attributes.first(named: "ice-options")?.value == "trickle")
        let audio = offer.media[0]
        #expect(audio.fingerprint == nil)
        #expect(offer.fingerprint(for: audio) == sessionFingerprint)
        #expect(audio.iceUfrag == "9c1e5a7b")
        #expect(audio.setup == .actpass)
        #expect(audio.candidates == [
            "0 1 UDP 2122252543 127.0.0.1 54400 typ host",
            "1 1 TCP 2105524479 127.0.0.1 9 typ host tcptype active",
        ])
        #expect(audio.attributes.contains(named: "end-of-candidates"))
        #expect(audio.extMaps[1] == ExtMap(id: 2, direction: .recvonly, uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level"))
        #expect(audio.rtpMap(for: 9)?.channels == 1)
        #expect(audio.msid?.trackID == "{0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b}")

        let video = offer.media[1]
        #expect(video.direction == .sendonly)
        #expect(video.ssrcs.count == 6)
        #expect(video.ssrcGroups.count == 3)
        #expect(video.ssrcGroups.allSatisfy { $0.semantics == SSRCGroup.fidSemantics && $0.ssrcs.count == 2 })
        #expect(video.ssrcGroups.first?.ssrcs == [3_316_450_091, 1_202_845_637])
        #expect(video.simulcast?.sendRIDs == ["q", "h", "f"])
        #expect(video.fmtp(for: 126)?.value(for: "profile-level-id") == "42e01f")
        #expect(video.primaryCodec?.mimeType(kind: .video) == "video/VP8")
        #expect(offer.publishedSections.map(\.rids) == [[], ["q", "h", "f"]])
    }

    @Test("Safari: H.264 first, FID group, ssrc msid")
    func safari() throws {
        let offer = try Fixture.safariOffer.parsed()
        let video = offer.media[1]
        #expect(video.formats.first == "96")
        #expect(video.primaryCodec == RTPMap(payloadType: 96, encodingName: "H264", clockRate: 90_000))
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [2_745_190_863, 3_917_452_018])])
        #expect(offer.publishedSections.map(\.mimeType) == ["audio/opus", "video/H264"])
        #expect(offer.publishedSections.map(\.trackID) == [
            "1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D", "6D7E8F90-A1B2-4C3D-9E4F-5A6B7C8D9E0F",
        ])
    }

    @Test("dual-PC answer: active setup, recvonly slots, nothing published")
    func dualPCAnswer() throws {
        let answer = try Fixture.dualPCAnswer.parsed()
        #expect(answer.media.allSatisfy { $0.setup == .active })
        #expect(answer.media[0].sctpPort == 5000)
        #expect(answer.media[1].direction == .recvonly)
        #expect(answer.media[2].direction == .recvonly)
        #expect(answer.recvSlots == [.audio: ["1"], .video: ["2"]])
        #expect(answer.publishedSections.isEmpty)
        #expect(answer.media[2].fmtp(for: 97)?.associatedPayloadType == 96)
        #expect(answer.media[2].extMaps.map(\.uri).contains(RTPHeaderExtensionURI.dependencyDescriptor))
    }

    @Test("msid falls back to the ssrc-level msid attribute")
    func msidFallback() {
        let media = MediaDescription(
            kind: .video, proto: "UDP/TLS/RTP/SAVPF", formats: ["96"],
            attributes: [SDPAttribute("sendonly"), SDPAttribute("ssrc", "5 msid:stream track")]
        )
        #expect(media.msid == MSID(streamID: "stream", trackID: "track"))
    }

    @Test("the last direction attribute wins and the default is sendrecv")
    func directionDefault() {
        var media = MediaDescription(kind: .audio, proto: "RTP/AVP", formats: ["0"])
        #expect(media.direction == .sendrecv)
        media.addAttribute("sendonly")
        media.addAttribute("inactive")
        #expect(media.direction == .inactive)
    }

    @Test("port 0 with bundle-only is not rejected")
    func bundleOnly() {
        var media = MediaDescription(kind: .video, port: 0, proto: "UDP/TLS/RTP/SAVPF", formats: ["96"])
        #expect(media.isRejected)
        media.addAttribute("bundle-only")
        #expect(!media.isRejected)
    }
}
