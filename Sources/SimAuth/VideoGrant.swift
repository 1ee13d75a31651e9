import SimCore

/// The `video` grant of a LiveKit access token (`protocol/auth/grants.go` `VideoGrant`).
///
/// Every field is optional so that an absent key stays distinguishable from an explicit `false`; the
/// `effective…` properties apply LiveKit's defaults. JSON keys are LiveKit's camelCase names.
public struct VideoGrant: Codable, Hashable, Sendable {
    /// May create and delete rooms (Twirp `CreateRoom`, `DeleteRoom`).
    public var roomCreate: Bool?
    /// May list rooms (Twirp `ListRooms`).
    public var roomList: Bool?
    /// May start recordings (egress).
    public var roomRecord: Bool?
    /// May administer the room named in `room` (Twirp participant operations).
    public var roomAdmin: Bool?
    /// May join the room named in `room`; anything but `true` is refused with `permissions denied`.
    public var roomJoin: Bool?
    /// The room this grant is for; empty or absent means none.
    public var room: RoomName?
    /// May publish tracks; LiveKit's default when absent is `true`.
    public var canPublish: Bool?
    /// May subscribe to tracks; default `true`.
    public var canSubscribe: Bool?
    /// May publish data packets; defaults to the effective `canPublish`.
    public var canPublishData: Bool?
    /// The sources that may be published (`camera`, `microphone`, `screen_share`, `screen_share_audio`);
    /// absent or empty means all. Unknown names are kept as sent.
    public var canPublishSources: [String]?
    /// May change its own name, metadata and attributes; default `false`.
    public var canUpdateOwnMetadata: Bool?
    /// May manage ingress.
    public var ingressAdmin: Bool?
    /// The participant is hidden from others.
    public var hidden: Bool?
    /// The participant is a recorder.
    public var recorder: Bool?
    /// The participant is an agent.
    public var agent: Bool?
    /// May subscribe to metrics; default `false`.
    public var canSubscribeMetrics: Bool?
    /// May manage agent sessions; default `false`.
    public var canManageAgentSession: Bool?
    /// The destination room for `ForwardParticipant`/`MoveParticipant`.
    public var destinationRoom: RoomName?

    /// Creates a grant; every omitted field stays absent (and so takes LiveKit's default).
    public init(
        roomCreate: Bool? = nil,
        roomList: Bool? = nil,
        roomRecord: Bool? = nil,
        roomAdmin: Bool? = nil,
        roomJoin: Bool? = nil,
        room: RoomName? = nil,
        canPublish: Bool? = nil,
        canSubscribe: Bool? = nil,
        canPublishData: Bool? = nil,
        canPublishSources: [String]? = nil,
        canUpdateOwnMetadata: Bool? = nil,
        ingressAdmin: Bool? = nil,
        hidden: Bool? = nil,
        recorder: Bool? = nil,
        agent: Bool? = nil,
        canSubscribeMetrics: Bool? = nil,
        canManageAgentSession: Bool? = nil,
        destinationRoom: RoomName? = nil
    ) {
        self.roomCreate = roomCreate
        self.roomList = roomList
        self.roomRecord = roomRecord
        self.roomAdmin = roomAdmin
        self.roomJoin = roomJoin
        self.room = room
        self.canPublish = canPublish
        self.canSubscribe = canSubscribe
        self.canPublishData = canPublishData
        self.canPublishSources = canPublishSources
        self.canUpdateOwnMetadata = canUpdateOwnMetadata
        self.ingressAdmin = ingressAdmin
        self.hidden = hidden
        self.recorder = recorder
        self.agent = agent
        self.canSubscribeMetrics = canSubscribeMetrics
        self.canManageAgentSession = canManageAgentSession
        self.destinationRoom = destinationRoom
    }

    /// A grant to join `room` with LiveKit's default permissions (the usual test-client token).
    public static func join(_ room: RoomName) -> VideoGrant {
        VideoGrant(roomJoin: true, room: room)
    }
}

extension VideoGrant {
    /// `canPublish`, defaulting to `true` when absent (`GetCanPublish`).
    public var effectiveCanPublish: Bool { canPublish ?? true }

    /// `canSubscribe`, defaulting to `true` when absent (`GetCanSubscribe`).
    public var effectiveCanSubscribe: Bool { canSubscribe ?? true }

    /// `canPublishData`, defaulting to the effective `canPublish` when absent (`GetCanPublishData`).
    public var effectiveCanPublishData: Bool { canPublishData ?? effectiveCanPublish }

    /// `canUpdateOwnMetadata`, defaulting to `false` when absent.
    public var effectiveCanUpdateOwnMetadata: Bool { canUpdateOwnMetadata ?? false }

    /// `canSubscribeMetrics`, defaulting to `false` when absent.
    public var effectiveCanSubscribeMetrics: Bool { canSubscribeMetrics ?? false }

    /// `canManageAgentSession`, defaulting to `false` when absent.
    public var effectiveCanManageAgentSession: Bool { canManageAgentSession ?? false }

    /// The sources that may be published: every source when `canPublishSources` is absent or empty,
    /// otherwise the known names it lists (in `TrackSourceName.allCases` order); empty when publishing
    /// is not allowed at all.
    public var effectivePublishSources: [TrackSourceName] {
        TrackSourceName.allCases.filter { allowsPublishing(source: $0) }
    }

    /// Whether a track from `source` may be published (`GetCanPublishSource`): requires the effective
    /// `canPublish`, then an absent or empty `canPublishSources` allows every source.
    public func allowsPublishing(source: TrackSourceName) -> Bool {
        guard effectiveCanPublish else { return false }
        guard let sources = canPublishSources, !sources.isEmpty else { return true }
        return sources.contains(source.rawValue)
    }
}
