import Foundation

/// Whether a logged message went into or out of the server.
public enum EventDirection: String, Sendable, Codable {
    /// From a peer to the server.
    case inbound = "in"
    /// From the server to a peer.
    case outbound = "out"
}

/// What an engine reports happened, before the log stamps it with `seq` and times.
public struct EventRecord: Sendable, Equatable {
    /// The event kind, e.g. `signal.out.join`, `participant.active`, `fault.applied`.
    public var kind: String
    /// The connection involved, if any.
    public var connection: ConnectionID?
    /// The room involved, if any.
    public var room: RoomName?
    /// The participant SID involved, if any.
    public var participant: ParticipantSID?
    /// The identity involved, if any.
    public var identity: Identity?
    /// The tap a message crossed, for message events.
    public var tap: TapPoint?
    /// The direction of a message event.
    public var direction: EventDirection?
    /// Compact, kind-specific details.
    public var detail: [String: EventValue]

    /// A record of `kind` with optional context.
    public init(
        kind: String,
        connection: ConnectionID? = nil,
        room: RoomName? = nil,
        participant: ParticipantSID? = nil,
        identity: Identity? = nil,
        tap: TapPoint? = nil,
        direction: EventDirection? = nil,
        detail: [String: EventValue] = [:]
    ) {
        self.kind = kind
        self.connection = connection
        self.room = room
        self.participant = participant
        self.identity = identity
        self.tap = tap
        self.direction = direction
        self.detail = detail
    }
}

extension EventRecord {
    /// Roughly what the record occupies in memory: a fixed part for the struct, its optionals and the detail
    /// dictionary, plus the bytes of its strings. The event log bounds its window with it.
    public var estimatedBytes: Int {
        var bytes = 256 + kind.utf8.count
        bytes += (room?.rawValue.utf8.count ?? 0) + (participant?.rawValue.utf8.count ?? 0) + (identity?.rawValue.utf8.count ?? 0)
        for (key, value) in detail {
            bytes += 48 + key.utf8.count
            switch value {
            case .string(let text): bytes += text.utf8.count
            case .strings(let texts): bytes += texts.reduce(16) { $0 + 16 + $1.utf8.count }
            case .int, .bool: break
            }
        }
        return bytes
    }
}

/// One line of the event log (product.md §6): a record stamped with a sequence number and times.
public struct SimEvent: Sendable, Equatable, Codable {
    /// Position in the log, from 1, without gaps.
    public var seq: UInt64
    /// Monotonic milliseconds since the server started.
    public var tMs: Double
    /// Wall-clock time (encoded as ISO 8601 with milliseconds).
    public var wall: Date
    /// The record.
    public var record: EventRecord

    /// Stamps `record`.
    public init(seq: UInt64, tMs: Double, wall: Date, record: EventRecord) {
        self.seq = seq
        self.tMs = tMs
        self.wall = wall
        self.record = record
    }

    /// ISO 8601 with milliseconds, UTC (formatting happens only when an event is encoded).
    static let wallFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private enum CodingKeys: String, CodingKey {
        case seq, tMs = "t_ms", wall, conn, room, participant, identity, tap, dir, kind, detail
    }

    /// Decodes one JSONL line.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(UInt64.self, forKey: .seq)
        tMs = try c.decode(Double.self, forKey: .tMs)
        let text = try c.decode(String.self, forKey: .wall)
        guard let date = try? Self.wallFormat.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .wall, in: c, debugDescription: "not ISO 8601: \(text)")
        }
        wall = date
        let conn = try c.decodeIfPresent(String.self, forKey: .conn)
        record = EventRecord(
            kind: try c.decode(String.self, forKey: .kind),
            connection: conn.flatMap { UInt64($0.dropFirst()) }.map(ConnectionID.init),
            room: try c.decodeIfPresent(RoomName.self, forKey: .room),
            participant: try c.decodeIfPresent(ParticipantSID.self, forKey: .participant),
            identity: try c.decodeIfPresent(Identity.self, forKey: .identity),
            tap: try c.decodeIfPresent(TapPoint.self, forKey: .tap),
            direction: try c.decodeIfPresent(EventDirection.self, forKey: .dir),
            detail: try c.decodeIfPresent([String: EventValue].self, forKey: .detail) ?? [:]
        )
    }

    /// Encodes one JSONL line; absent context fields are omitted.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode((tMs * 1000).rounded() / 1000, forKey: .tMs)
        try c.encode(Self.wallFormat.format(wall), forKey: .wall)
        try c.encodeIfPresent(record.connection?.description, forKey: .conn)
        try c.encodeIfPresent(record.room, forKey: .room)
        try c.encodeIfPresent(record.participant, forKey: .participant)
        try c.encodeIfPresent(record.identity, forKey: .identity)
        try c.encodeIfPresent(record.tap, forKey: .tap)
        try c.encodeIfPresent(record.direction, forKey: .dir)
        try c.encode(record.kind, forKey: .kind)
        if !record.detail.isEmpty { try c.encode(record.detail, forKey: .detail) }
    }
}
