import SimCore

/// What a fault filter sees of one message crossing a tap.
public struct TapContext: Sendable, Equatable {
    /// The tap.
    public var tap: TapPoint
    /// The message kind, e.g. `update`, `join`, `ping_req` (the protobuf oneof name).
    public var kind: String
    /// The connection it crosses.
    public var connection: ConnectionID?
    /// The room.
    public var room: RoomName?
    /// The participant on that connection.
    public var participant: ParticipantSID?
    /// Its identity.
    public var identity: Identity?
    /// The track, for media taps.
    public var track: TrackSID?
    /// The identities the message is about (e.g. the participants listed in a signal `update`); empty when unknown.
    public var about: [Identity]
    /// Into or out of the server, where the tap alone does not say (media taps see both directions).
    public var direction: EventDirection?
    /// The size of the message or packet payload in bytes, when the shell knows it (bandwidth caps).
    public var payloadBytes: Int?
    /// Whether a media packet starts or belongs to a keyframe, when the shell knows it (keyframe drops).
    public var isKeyframe: Bool?
    /// The topic of a DataPacket (its user packet's, or its data stream's), at the data taps.
    public var topic: String?
    /// The Matrix device a request comes from (its access token's), at the HTTP taps.
    public var device: String?

    /// A context. The last five fields are optional extras that older call sites leave at their defaults.
    public init(tap: TapPoint, kind: String, connection: ConnectionID? = nil, room: RoomName? = nil,
                participant: ParticipantSID? = nil, identity: Identity? = nil, track: TrackSID? = nil,
                about: [Identity] = [], direction: EventDirection? = nil, payloadBytes: Int? = nil,
                isKeyframe: Bool? = nil, topic: String? = nil, device: String? = nil) {
        self.topic = topic
        self.device = device
        self.track = track
        self.tap = tap
        self.kind = kind
        self.connection = connection
        self.room = room
        self.participant = participant
        self.identity = identity
        self.about = about
        self.direction = direction
        self.payloadBytes = payloadBytes
        self.isKeyframe = isKeyframe
    }
}
