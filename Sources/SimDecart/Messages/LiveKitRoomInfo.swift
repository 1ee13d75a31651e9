import SimCore

/// `livekit_room_info{livekit_url, token, room_name, session_id}`: all four are required by Android, iOS and
/// Python (reference §3), so the type has no optionals.
public struct LiveKitRoomInfo: Sendable, Equatable {
    /// The LiveKit server URL (ws(s) or http(s)).
    public var livekitURL: String
    /// The publisher's LiveKit access token (JWT).
    public var token: String
    /// The room the client joins.
    public var roomName: RoomName
    /// The Decart session id.
    public var sessionID: DecartSessionID

    /// Room info.
    public init(livekitURL: String, token: String, roomName: RoomName, sessionID: DecartSessionID) {
        self.livekitURL = livekitURL
        self.token = token
        self.roomName = roomName
        self.sessionID = sessionID
    }
}
