import SimCore

/// A request to the room side to create a session's LiveKit room and mint the publisher's token; it answers with
/// `DecartEvent.roomCreated` (or `.roomCreationFailed`).
public struct DecartRoomRequest: Sendable, Equatable {
    /// The session.
    public var sessionID: DecartSessionID
    /// The room name to use.
    public var roomName: RoomName

    /// A request.
    public init(sessionID: DecartSessionID, roomName: RoomName) {
        self.sessionID = sessionID
        self.roomName = roomName
    }
}
