import SimCore

/// A Decart session id (`livekit_room_info.session_id`, `session_id.session_id`, `server_metrics.session_id`).
public struct DecartSessionID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
