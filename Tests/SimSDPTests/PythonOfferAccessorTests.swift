import Testing
import SimSDP

@Suite("Typed accessors on the captured LiveKit Python offer")
struct PythonOfferAccessorTests {
    let offer: SessionDescription

    init() throws {
        offer = try Fixture.pythonOffer.parsed()
    }

    @Test("session-level lines")
    func sessionLevel() {
        #expect(offer.version == 0)
        #expect(offer.origin == SDPOrigin(sessionID: "7790782567943703663", sessionVersion: "2"))
        #expect(offer.sessionName == "-")
        #expect(offer.timings == [SDPTiming()])
        #expect(offer.connection == nil)
        #expect(offer.bundleMIDs == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(offer.groups.count == 1)
        #expect(offer.extmapAllowMixed)
        #expect(offer.attributes.first(named: "msid-semantic")?.value == " WMS")
        #expect(offer.iceUfrag == nil)
        #expect(offer.fingerprint == nil)
    }

    @Test("mids 0–6: three recvonly audio, three recvonly video, one application")
    func sections() {
        #expect(offer.media.compactMap(\.mid) == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(offer.media.map(\.kind) == [.audio, .audio, .audio, .video, .video, .video, .application])
        #expect(offer.media.prefix(6).allSatisfy { $0.direction == .recvonly })
        #expect(offer.media.allSatisfy { $0.port == 9 && !$0.isRejected })
        #expect(offer.media.allSatisfy { $0.connection == SDPConnection() })
        #expect(offer.recvSlots == [.audio: ["0", "1", "2"], .video: ["3", "4", "5"]])
        #expect(offer.publishedSections.isEmpty)
    }

    @Test("transport attributes")
    func transport() throws {
        let fingerprint = DTLSFingerprint(
            algorithm: "sha-256",
            value: "A5:6D:4A:A8:A3:05:5E:37:BD:A8:BE:1A:89:FC:70:0C:9A:AE:82:46:17:25:81:16:FC:27:52:A8:BD:F5:30:91"
        )
        for media in offer.media {
            #expect(media.iceUfrag == "h1Xe")
            #expect(media.icePwd == "v8I2M92ER5cfK8Ngq/LAyG/X")
            #expect(media.iceOptions == ["trickle", "goog-sped-v1"])
            #expect(media.fingerprint == fingerprint)
            #expect(media.setup == .actpass)
            #expect(media.candidates.isEmpty)
            #expect(offer.iceUfrag(for: media) == "h1Xe")
            #expect(offer.fingerprint(for: media) == fingerprint)
        }
        #expect(offer.media.prefix(6).allSatisfy { $0.rtcpMux && $0.rtcpReducedSize })
        #expect(!offer.media[6].rtcpMux)
    }

    @Test("audio codecs, fmtp and feedback")
    func audio() throws {
        let audio = offer.media[0]
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.formats == ["111", "63", "9", "0", "8", "13", "110", "126"])
        #expect(audio.rtpMaps.count == 8)
        #expect(audio.rtpMap(for: 111) == RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2))
        #expect(audio.rtpMap(for: 0) == RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8_000))
        let opus = try #require(audio.fmtp(for: 111))
        #expect(opus.parameters == "minptime=10;useinbandfec=1")
        #expect(opus.value(for: "useinbandfec") == "1")
        #expect(opus.value(for: "MINPTIME") == "10")
        #expect(audio.fmtp(for: 63)?.redundantPayloadTypes == [111, 111])
        #expect(audio.rtcpFeedback(for: 111) == [RTCPFeedback(payloadType: 111, type: "transport-cc")])
        #expect(audio.extMaps == [
            ExtMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
            ExtMap(id: 2, uri: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
            ExtMap(id: 3, uri: "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
            ExtMap(id: 4, uri: "urn:ietf:params:rtp-hdrext:sdes:mid"),
        ])
        #expect(audio.primaryCodec?.mimeType(kind: .audio) == "audio/opus")
        #expect(audio.msid == nil)
        #expect(audio.ssrcs.isEmpty)
    }

    @Test("video codecs, rtx apt and H.264 parameters")
    func video() throws {
        let video = offer.media[3]
        #expect(video.payloadTypes.count == 23)
        #expect(video.rtpMaps.count == 23)
        #expect(video.rtpMap(for: 45)?.encodingName == "AV1")
        #expect(video.fmtp(for: 97)?.associatedPayloadType == 96)
        #expect(video.fmtp(for: 109)?.value(for: "profile-level-id") == "42e01f")
        #expect(video.fmtp(for: 107)?.value(for: "packetization-mode") == "0")
        #expect(video.rtcpFeedback(for: 96).map(\.feedbackID) == ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"])
        #expect(video.rtcpFeedback(for: 97).isEmpty)
        #expect(video.extMaps.count == 11)
        #expect(video.extMaps.first == ExtMap(id: 14, uri: "urn:ietf:params:rtp-hdrext:toffset"))
        #expect(video.primaryCodec?.mimeType(kind: .video) == "video/VP8")
        #expect(video.rids.isEmpty)
        #expect(video.simulcast == nil)
    }

    @Test("application section: SCTP port and message size")
    func application() {
        let data = offer.media[6]
        #expect(data.kind == .application)
        #expect(data.proto == "UDP/DTLS/SCTP")
        #expect(data.formats == ["webrtc-datachannel"])
        #expect(data.sctpPort == 5000)
        #expect(data.maxMessageSize == 262_144)
        #expect(data.attributes.values(named: "sctp-init") == ["AQAAHhOXyHEAUAAA/////1oSajbAAAAEgAgABoLA"])
        #expect(data.direction == .sendrecv)
        #expect(data.payloadTypes.isEmpty)
        #expect(data.primaryCodec == nil)
    }

    @Test("lookup by mid")
    func lookupByMID() {
        #expect(offer.media(withMID: "4")?.kind == .video)
        #expect(offer.media(withMID: "7") == nil)
    }
}
