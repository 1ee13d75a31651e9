/// The media type of an `m=` line (RFC 8866 §5.14): `audio`, `video`, `application` or another token.
public enum MediaKind: Hashable, Sendable, CustomStringConvertible {
    /// `m=audio`.
    case audio
    /// `m=video`.
    case video
    /// `m=application` (WebRTC data channels over SCTP).
    case application
    /// Any other media token (`text`, `message`, …), kept as sent.
    case other(String)

    /// Maps a media token; the three WebRTC kinds match exactly (SDP tokens are case-sensitive).
    public init(token: String) {
        switch token {
        case "audio": self = .audio
        case "video": self = .video
        case "application": self = .application
        default: self = .other(token)
        }
    }

    /// The token written in the `m=` line.
    public var token: String {
        switch self {
        case .audio: "audio"
        case .video: "video"
        case .application: "application"
        case .other(let token): token
        }
    }

    /// The token written in the `m=` line.
    public var description: String { token }

    /// Whether the section carries RTP (audio or video).
    public var isRTP: Bool { self == .audio || self == .video }
}
