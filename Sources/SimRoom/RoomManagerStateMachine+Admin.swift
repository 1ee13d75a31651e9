import Foundation
import SimCore

/// RoomService CreateRoom settings.
public struct CreateRoomParameters: Sendable, Equatable {
    /// Room name.
    public var name: RoomName
    /// Seconds an empty room lives (0 = default).
    public var emptyTimeout: UInt32
    /// Seconds a room lives after the last participant (0 = default).
    public var departureTimeout: UInt32
    /// Participant limit (0 = none).
    public var maxParticipants: UInt32
    /// Metadata.
    public var metadata: String
    /// The agents to dispatch when this call creates the room.
    public var agents: [RoomAgentRequest]

    /// Settings for `name`.
    public init(name: RoomName, emptyTimeout: UInt32 = 0, departureTimeout: UInt32 = 0, maxParticipants: UInt32 = 0, metadata: String = "",
                agents: [RoomAgentRequest] = []) {
        self.name = name
        self.agents = agents
        self.emptyTimeout = emptyTimeout
        self.departureTimeout = departureTimeout
        self.maxParticipants = maxParticipants
        self.metadata = metadata
    }
}

/// The RoomService operations (Twirp), applied to the model. Each returns its result and the actions to run.
extension RoomManagerStateMachine {
    /// CreateRoom: creates, or updates the settings of an existing room.
    public mutating func createRoom(_ p: CreateRoomParameters, wall: Date) -> (Room, [RoomAction]) {
        var out: [RoomAction] = []
        let existed = rooms[p.name] != nil
        if !existed { createRoom(named: p.name, agents: p.agents, wall: wall, into: &out) }
        guard var room = rooms[p.name] else { preconditionFailure("room was just created") }
        if p.emptyTimeout > 0 { room.emptyTimeout = p.emptyTimeout }
        if p.departureTimeout > 0 { room.departureTimeout = p.departureTimeout }
        if p.maxParticipants > 0 || !existed { room.maxParticipants = p.maxParticipants }
        if !p.metadata.isEmpty || !existed { room.metadata = p.metadata }
        rooms[p.name] = room
        if room.participants.isEmpty { armRoomTimer(p.name, seconds: room.emptyTimeout, into: &out) }
        return (self.room(p.name) ?? room, out)
    }

    /// DeleteRoom: every participant gets Leave(ROOM_DELETED) and is closed; the room goes.
    public mutating func deleteRoom(_ name: RoomName) -> Result<[RoomAction], RoomError> {
        guard let room = rooms[name] else { return .failure(.roomNotFound) }
        var out: [RoomAction] = []
        for sid in room.participants {
            remove(sid, reason: .roomDeleted, leave: LeaveNotice(reason: .roomDeleted, action: .disconnect), into: &out)
        }
        closeRoom(name, into: &out)
        return .success(out)
    }

    /// RemoveParticipant: Leave(PARTICIPANT_REMOVED) to it, DISCONNECTED to the others.
    public mutating func removeParticipant(room: RoomName, identity: Identity) -> Result<[RoomAction], RoomError> {
        guard rooms[room] != nil else { return .failure(.roomNotFound) }
        guard let participant = participant(room: room, identity: identity) else { return .failure(.participantNotFound) }
        var out: [RoomAction] = []
        remove(participant.sid, reason: .participantRemoved, leave: LeaveNotice(reason: .participantRemoved, action: .disconnect), into: &out)
        return .success(out)
    }

    /// MutePublishedTrack: `mute` to the publisher and the update to everyone.
    public mutating func mutePublishedTrack(room: RoomName, identity: Identity, track: TrackSID, muted: Bool) -> Result<(Track, [RoomAction]), RoomError> {
        guard rooms[room] != nil else { return .failure(.roomNotFound) }
        guard let participant = participant(room: room, identity: identity) else { return .failure(.participantNotFound) }
        guard let index = participant.trackIndex(track) else { return .failure(.trackNotFound) }
        if !muted, participant.tracks[index].muted, !configuration.enableRemoteUnmute { return .failure(.remoteUnmuteDisabled) }
        var out: [RoomAction] = []
        if let connection = participant.connection { out.append(.send(connection, .mute(track, muted: muted))) }
        guard let updated = setMuted(participant.sid, track: track, muted: muted, into: &out) else { return .failure(.trackNotFound) }
        return .success((updated, out))
    }

    /// UpdateParticipant: metadata, name, attributes and (optionally) permission; tracks no longer allowed are unpublished.
    public mutating func updateParticipant(
        room: RoomName, identity: Identity, metadata: String?, name: String?, attributes: [String: String],
        permission: ParticipantPermission?
    ) -> Result<(Participant, [RoomAction]), RoomError> {
        guard rooms[room] != nil else { return .failure(.roomNotFound) }
        guard var participant = participant(room: room, identity: identity) else { return .failure(.participantNotFound) }
        var out: [RoomAction] = []
        if let permission {
            participant.permission = permission
            let revoked = participant.tracks.filter { !permission.allowsPublishing($0.source) }
            participant.tracks.removeAll { track in revoked.contains { $0.sid == track.sid } }
            participants[participant.sid] = participant
            for track in revoked {
                if let connection = participant.connection {
                    out.append(.send(connection, participant.protocolVersion > 6 ? .trackUnpublished(track.sid) : .mute(track.sid, muted: true)))
                }
                out.append(.log(record("track.unpublished", participant, detail: ["track": .string(track.sid.rawValue), "why": "permission revoked"])))
                unpublished(track.sid, in: room, into: &out)
            }
        }
        applyMetadata(participant.sid, metadata: metadata, name: name, attributes: attributes, into: &out)
        return .success((participants[participant.sid] ?? participant, out))
    }

    /// UpdateSubscriptions on behalf of a participant.
    public mutating func updateSubscriptions(room: RoomName, identity: Identity, tracks: [TrackSID], subscribe: Bool) -> Result<[RoomAction], RoomError> {
        guard rooms[room] != nil else { return .failure(.roomNotFound) }
        guard let participant = participant(room: room, identity: identity) else { return .failure(.participantNotFound) }
        var out: [RoomAction] = []
        updateSubscriptions(participant.sid, tracks, subscribe: subscribe, into: &out)
        return .success(out)
    }

    /// UpdateRoomMetadata: `room_update` to everyone.
    public mutating func updateRoomMetadata(room name: RoomName, metadata: String) -> Result<(Room, [RoomAction]), RoomError> {
        guard var room = rooms[name] else { return .failure(.roomNotFound) }
        room.metadata = metadata
        room.version += 1
        rooms[name] = room
        var out: [RoomAction] = [.log(EventRecord(kind: "room.metadata", room: name, detail: ["metadata": .string(metadata)]))]
        let snapshot = self.room(name) ?? room
        sendToRoom(name, .roomUpdate(snapshot), into: &out)
        return .success((snapshot, out))
    }
}
