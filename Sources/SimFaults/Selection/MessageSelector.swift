import SimCore

/// Which messages or packets at one tap a fault applies to. Every filter that is set must match.
public struct MessageSelector: Sendable, Equatable, CustomStringConvertible {
    /// The tap.
    public var tap: TapPoint
    /// Message kinds (`update`, `livekit_room_info`, `rtp`); empty means every kind.
    public var kinds: Set<String>
    /// Only on the connection of this identity (for media: packets to or from this participant).
    public var identity: Identity?
    /// Only on the connection of this participant SID.
    public var participant: ParticipantSID?
    /// Only in this room.
    public var room: RoomName?
    /// Only messages about this identity (e.g. `update`s listing it), whoever receives them.
    public var about: Identity?
    /// Only this track (media).
    public var track: TrackSID?
    /// Only tracks of this kind (media; read from the track SID prefix).
    public var trackKind: TrackKind?
    /// Only this direction (media taps carry both).
    public var direction: EventDirection?
    /// Not on the connection of this identity (e.g. a publisher's own updates about itself).
    public var excludedIdentity: Identity?
    /// Only DataPackets on this topic (data taps).
    public var topic: String?
    /// Only requests from this device (Matrix device id; HTTP taps).
    public var device: String?

    /// A selector; with only `tap` given it matches everything crossing that tap.
    public init(tap: TapPoint, kinds: Set<String> = [], identity: Identity? = nil, participant: ParticipantSID? = nil,
                room: RoomName? = nil, about: Identity? = nil, track: TrackSID? = nil, trackKind: TrackKind? = nil,
                direction: EventDirection? = nil) {
        self.tap = tap
        self.kinds = kinds
        self.identity = identity
        self.participant = participant
        self.room = room
        self.about = about
        self.track = track
        self.trackKind = trackKind
        self.direction = direction
    }

    /// Whether the message described by `context` is selected.
    public func matches(_ context: TapContext) -> Bool {
        guard context.tap == tap else { return false }
        if !kinds.isEmpty, !kinds.contains(context.kind) { return false }
        if let identity, context.identity != identity { return false }
        if let participant, context.participant != participant { return false }
        if let room, context.room != room { return false }
        if let about, !context.about.contains(about) { return false }
        if let track, context.track != track { return false }
        if let trackKind, context.track.flatMap(TrackKind.init(sid:)) != trackKind { return false }
        if let direction, context.direction != direction { return false }
        if let excludedIdentity, context.identity == excludedIdentity { return false }
        if let topic, context.topic != topic { return false }
        if let device, context.device != device { return false }
        return true
    }

    /// `tap kinds filters`, e.g. `signal.out update about=bob`.
    public var description: String {
        var parts = [tap.rawValue]
        if !kinds.isEmpty { parts.append(kinds.sorted().joined(separator: ",")) }
        if let identity { parts.append("identity=\(identity)") }
        if let participant { parts.append("participant=\(participant)") }
        if let room { parts.append("room=\(room)") }
        if let about { parts.append("about=\(about)") }
        if let track { parts.append("track=\(track)") }
        if let trackKind { parts.append("track_kind=\(trackKind.rawValue)") }
        if let direction { parts.append("direction=\(direction.rawValue)") }
        if let excludedIdentity { parts.append("not identity=\(excludedIdentity)") }
        if let topic { parts.append("topic=\(topic)") }
        if let device { parts.append("device=\(device)") }
        return parts.joined(separator: " ")
    }
}
