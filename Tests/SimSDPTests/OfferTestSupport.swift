import SimSDP

/// Shared configuration, tracks and templates for the subscriber offer and answer tests.
enum OfferTestSupport {
    /// Our side of every test offer.
    static let configuration = SDPOfferConfiguration(
        iceUfrag: "sfuS",
        icePwd: "sfusimsfusimsfusimsfusim",
        fingerprint: DTLSFingerprint(
            algorithm: "sha-256",
            value: "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00"
        ),
        sessionID: 5_000_000_001,
        sessionVersion: 7
    )

    /// A builder with ``configuration``.
    static let builder = SDPOfferBuilder(configuration: configuration)

    /// Alice's camera, as LiveKit names it for subscribers (reference §3.5).
    static let videoTrack = OutgoingTrack(streamID: "PA_alice|TR_VCcam", trackID: "TR_VCcam", ssrc: 1_111_111_111)
    /// Alice's microphone.
    static let audioTrack = OutgoingTrack(streamID: "PA_alice|TR_AMmic", trackID: "TR_AMmic", ssrc: 2_222_222_222)

    /// The captured Python offer's first audio and first video sections, as codec templates.
    static func pythonTemplates() throws -> (audio: MediaDescription, video: MediaDescription) {
        let offer = try Fixture.pythonOffer.parsed()
        return (offer.media[0], offer.media[3])
    }

    /// The two-track offer of the golden test: video on mid 0, audio on mid 1, both from the Python templates.
    static func pythonTrackSections() throws -> [SDPOfferSection] {
        let templates = try pythonTemplates()
        return [
            .track(mid: "0", kind: .video, template: templates.video, track: videoTrack),
            .track(mid: "1", kind: .audio, template: templates.audio, track: audioTrack),
        ]
    }

    /// A publisher section with the given m-line formats and attribute lines (after `a=mid`), as a template.
    static func template(kind: String, formats: String, lines: [String]) throws -> MediaDescription {
        let text = (["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=\(kind) 9 UDP/TLS/RTP/SAVPF \(formats)",
                     "c=IN IP4 0.0.0.0", "a=mid:0", "a=sendonly"] + lines).map { $0 + "\r\n" }.joined()
        return try SessionDescription.parse(text).media[0]
    }

    /// SDP text from lines, CRLF-terminated.
    static func sdp(_ lines: [String]) -> String {
        lines.map { $0 + "\r\n" }.joined()
    }
}
