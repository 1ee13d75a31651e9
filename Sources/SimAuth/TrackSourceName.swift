/// A publishable track source as named in a token's `video.canPublishSources` list.
///
/// The raw values are LiveKit's (`protocol/auth/grants.go` `sourceToString`), not the protobuf enum names.
public enum TrackSourceName: String, CaseIterable, Codable, Hashable, Sendable {
    /// A camera video track (`camera`).
    case camera
    /// A microphone audio track (`microphone`).
    case microphone
    /// A screen-share video track (`screen_share`).
    case screenShare = "screen_share"
    /// The audio that goes with a screen share (`screen_share_audio`).
    case screenShareAudio = "screen_share_audio"
}
