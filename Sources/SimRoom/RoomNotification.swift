import SimCore

/// Something that happened in a room that other parts of the server act on (the Decart service starts generation
/// when its client publishes video), delivered typed rather than read back from the event log.
public enum RoomNotification: Sendable, Equatable {
    /// A participant became ACTIVE (its primary transport connected, or it is virtual).
    case participantActive(room: RoomName, participant: ParticipantSID, identity: Identity)
    /// A room was created (by a join or CreateRoom), asking for these agents (none: the unnamed agent).
    case roomCreated(room: RoomName, agents: [RoomAgentRequest])
    /// A room closed (deleted, or idle).
    case roomClosed(room: RoomName)
    /// A participant left or was removed.
    case participantLeft(room: RoomName, participant: ParticipantSID, identity: Identity, kind: Int)
    /// A participant published a track.
    case trackPublished(room: RoomName, participant: ParticipantSID, identity: Identity, track: TrackSID, kind: TrackKind)
}
