import SimCore

/// Which events of the log a trigger, hold-until or expectation means: a kind pattern plus optional filters.
/// Every filter that is set must match; unset filters match anything.
public struct EventPattern: Sendable, Equatable, CustomStringConvertible {
    /// The event kind (or kind prefix).
    public var kind: KindPattern
    /// Only events about this identity.
    public var identity: Identity?
    /// Only events in this room.
    public var room: RoomName?
    /// Only events about this participant SID.
    public var participant: ParticipantSID?
    /// Only events about a track of this kind (from the event's `kind` detail, or its `track` SID prefix).
    public var trackKind: TrackKind?
    /// Only message events in this direction.
    public var direction: EventDirection?
    /// Only events whose detail values, printed as text, equal these (e.g. `type: set_image_ack`).
    public var detail: [String: String]

    /// A pattern.
    public init(kind: KindPattern, identity: Identity? = nil, room: RoomName? = nil, participant: ParticipantSID? = nil,
                trackKind: TrackKind? = nil, direction: EventDirection? = nil, detail: [String: String] = [:]) {
        self.kind = kind
        self.identity = identity
        self.room = room
        self.participant = participant
        self.trackKind = trackKind
        self.direction = direction
        self.detail = detail
    }

    /// Whether `record` matches every filter that is set.
    public func matches(_ record: EventRecord) -> Bool {
        guard kind.matches(record.kind) else { return false }
        if let identity, record.identity != identity { return false }
        if let room, record.room != room { return false }
        if let participant, record.participant != participant { return false }
        if let direction, Self.direction(of: record) != direction { return false }
        if let trackKind, Self.trackKind(of: record) != trackKind { return false }
        for (key, value) in detail where record.detail[key]?.description != value { return false }
        return true
    }

    /// The record's direction, or the one its kind implies (`signal.in.*`, `control.out.*`, …).
    static func direction(of record: EventRecord) -> EventDirection? {
        if let direction = record.direction { return direction }
        let parts = record.kind.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "signal" || parts[0] == "control" else { return nil }
        return EventDirection(rawValue: String(parts[1]))
    }

    /// The track kind an event is about: its `kind` detail (`track.published`), else its `track` SID prefix.
    static func trackKind(of record: EventRecord) -> TrackKind? {
        if case .string(let text)? = record.detail["kind"], let kind = TrackKind(rawValue: text) { return kind }
        if case .string(let sid)? = record.detail["track"] { return TrackKind(sid: TrackSID(sid)) }
        return nil
    }

    /// `kind` followed by the filters that are set, e.g. `participant.joined identity=bob`.
    public var description: String {
        var parts = [kind.description]
        if let identity { parts.append("identity=\(identity)") }
        if let room { parts.append("room=\(room)") }
        if let participant { parts.append("participant=\(participant)") }
        if let trackKind { parts.append("track_kind=\(trackKind.rawValue)") }
        if let direction { parts.append("direction=\(direction.rawValue)") }
        for key in detail.keys.sorted() { parts.append("\(key)=\(detail[key] ?? "")") }
        return parts.joined(separator: " ")
    }
}
