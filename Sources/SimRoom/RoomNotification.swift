import SimCore

/// Something that happened in a room that other parts of the server act on (the Decart service starts generation
/// when its client publishes video), delivered typed rather than read back from the event log.
public enum RoomNotification: Sendable, Equatable {
    /// A participant became ACTIVE (its primary transport connected, or it is virtual).
    case participantActive(room: RoomName, participant: ParticipantSID, identity: Identity)
    /// A participant published a track.
    case trackPublished(room: RoomName, participant: ParticipantSID, identity: Identity, track: TrackSID, kind: TrackKind)
}
