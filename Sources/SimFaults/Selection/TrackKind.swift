import SimCore

/// Audio or video, for trigger and media-fault filters.
public enum TrackKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// An audio track.
    case audio
    /// A video track.
    case video

    /// The kind encoded in a LiveKit track SID (`TR_A…` audio, `TR_V…` video; see `SIDGenerator.trackSID`), if any.
    public init?(sid: TrackSID) {
        let raw = sid.rawValue
        if raw.hasPrefix("TR_A") { self = .audio } else if raw.hasPrefix("TR_V") { self = .video } else { return nil }
    }
}
