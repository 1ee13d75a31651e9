/// Our side of an answer: transport credentials, session identity, and what we accept.
///
/// Defaults follow the LiveKit server as answerer on the publisher connection (reference §7): Opus; VP8, VP9,
/// H.264 and AV1; RED and RTX; the RTCP feedback `nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`;
/// the header extensions in ``RTPHeaderExtensionURI/supportedByDefault``; data channels rejected.
public struct SDPAnswerConfiguration: Hashable, Sendable {
    /// The DTLS role we take when the offer says `actpass` (RFC 5763 §5: the answerer picks).
    public enum SetupRole: String, Hashable, Sendable, CaseIterable {
        /// We start the DTLS handshake (DTLS client).
        case active
        /// We wait for the peer's handshake (DTLS server).
        case passive

        /// The matching `a=setup` value.
        public var dtlsRole: DTLSSetupRole { self == .active ? .active : .passive }
    }

    /// Our ICE username fragment.
    public var iceUfrag: String
    /// Our ICE password.
    public var icePwd: String
    /// The fingerprint of our DTLS certificate.
    public var fingerprint: DTLSFingerprint
    /// Our DTLS role when the offer says `actpass` (default `passive`). An offer of `active` or `passive` fixes
    /// the role regardless.
    public var setupRole: SetupRole
    /// The `o=` session id (RFC 8866 §5.2); keep it for the life of the connection.
    public var sessionID: UInt64
    /// The `o=` session version; increase it with every new answer on the connection.
    public var sessionVersion: UInt64
    /// Whether `m=application` (SCTP data channels) is accepted; when false it is rejected with port 0.
    public var acceptDataChannels: Bool
    /// The RTCP CNAME written in `a=ssrc:… cname:` for outgoing tracks.
    public var cname: String
    /// Whether to declare `a=ice-lite` (only if our ICE agent really is lite).
    public var iceLite: Bool
    /// The `a=ice-options` tokens we write; empty writes none.
    public var iceOptions: [String]
    /// Raw `a=candidate` values written in every accepted section (empty when candidates are trickled).
    public var candidates: [String]
    /// Whether to write `a=end-of-candidates` (RFC 8838 §8.2) in every accepted section.
    public var endOfCandidates: Bool
    /// Audio codec names we accept, compared case-insensitively.
    public var audioCodecs: Set<String>
    /// Video codec names we accept, compared case-insensitively.
    public var videoCodecs: Set<String>
    /// Whether audio RED (RFC 2198) is kept when every payload type it carries is kept.
    public var acceptsRED: Bool
    /// Whether RTX (RFC 4588) is kept for kept codecs.
    public var acceptsRTX: Bool
    /// RTCP feedback we accept, as `type` or `type parameter` (`nack pli`).
    public var rtcpFeedback: Set<String>
    /// Header extension URIs we accept.
    public var headerExtensions: Set<String>
    /// The SCTP port written when the offer has none (RFC 8841 §5 default for WebRTC: 5000).
    public var defaultSCTPPort: Int
    /// The largest data channel message we receive, written as `a=max-message-size` (RFC 8841 §6).
    public var maxMessageSize: Int

    /// The codecs accepted by default for audio.
    public static let defaultAudioCodecs: Set<String> = ["opus"]
    /// The codecs accepted by default for video.
    public static let defaultVideoCodecs: Set<String> = ["vp8", "vp9", "h264", "av1"]
    /// The RTCP feedback accepted by default.
    public static let defaultRTCPFeedback: Set<String> = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"]

    /// Makes a configuration; everything but the credentials and session id has the documented default.
    public init(
        iceUfrag: String,
        icePwd: String,
        fingerprint: DTLSFingerprint,
        setupRole: SetupRole = .passive,
        sessionID: UInt64,
        sessionVersion: UInt64 = 2,
        acceptDataChannels: Bool = false,
        cname: String = "sfusim",
        iceLite: Bool = false,
        iceOptions: [String] = ["trickle"],
        candidates: [String] = [],
        endOfCandidates: Bool = false,
        audioCodecs: Set<String> = Self.defaultAudioCodecs,
        videoCodecs: Set<String> = Self.defaultVideoCodecs,
        acceptsRED: Bool = true,
        acceptsRTX: Bool = true,
        rtcpFeedback: Set<String> = Self.defaultRTCPFeedback,
        headerExtensions: Set<String> = RTPHeaderExtensionURI.supportedByDefault,
        defaultSCTPPort: Int = 5000,
        maxMessageSize: Int = 262_144
    ) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprint = fingerprint
        self.setupRole = setupRole
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.acceptDataChannels = acceptDataChannels
        self.cname = cname
        self.iceLite = iceLite
        self.iceOptions = iceOptions
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
        self.audioCodecs = audioCodecs
        self.videoCodecs = videoCodecs
        self.acceptsRED = acceptsRED
        self.acceptsRTX = acceptsRTX
        self.rtcpFeedback = rtcpFeedback
        self.headerExtensions = headerExtensions
        self.defaultSCTPPort = defaultSCTPPort
        self.maxMessageSize = maxMessageSize
    }
}
