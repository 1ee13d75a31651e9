import SimCore

/// One control connection's state inside `DecartSessionStateMachine`.
struct DecartSession: Sendable {
    /// How the client connects its media.
    enum Transport: Sendable, Equatable {
        /// No `livekit_join` or `offer` yet.
        case undetermined
        /// LiveKit, with the join the client sent.
        case livekit(LiveKitJoinRequest)
        /// aiortc: the client sent an `offer`.
        case aiortc
    }

    /// Where the session stands in the admission queue.
    enum Admission: Sendable, Equatable {
        /// Not asked yet.
        case none
        /// Waiting for a slot.
        case waiting
        /// Holding a slot.
        case active
    }

    /// The session's LiveKit room.
    enum Room: Sendable, Equatable {
        /// None requested.
        case none
        /// Requested from the room side.
        case creating(RoomName)
        /// Created.
        case ready(LiveKitRoomInfo)

        var name: RoomName? {
            switch self {
            case .none: nil
            case .creating(let name): name
            case .ready(let info): info.roomName
            }
        }
    }

    /// The aiortc peer.
    enum Peer: Sendable, Equatable {
        /// No offer yet.
        case none
        /// Offer received, waiting for a queue slot.
        case offerHeld(sdp: String)
        /// `startPeer` issued.
        case started
        /// The answer was sent.
        case answered
    }

    /// The WebSocket.
    let connection: ConnectionID
    /// The minted session id.
    let sessionID: DecartSessionID
    /// The connect query.
    let query: DecartConnectQuery
    /// The client SDK, from `user_agent`.
    let dialect: DecartClientDialect
    /// Where the client reached us.
    let endpoint: DecartServerEndpoint
    /// The rules for this connection.
    var rules: DecartRules

    /// LiveKit, aiortc, or not yet known.
    var transport: Transport = .undetermined
    /// Queue standing.
    var admission: Admission = .none
    /// How far the session is through the rules' scripted queue wait (nil: not started).
    var scriptedQueueStep: Int?
    /// The last `queue_position` sent (position, size), to send only changes.
    var lastQueueNotice: (position: Int, size: Int)?
    /// The LiveKit room.
    var room: Room = .none
    /// Whether `livekit_room_info` went out.
    var roomInfoSent = false
    /// Whether a state message (or a bundled `initial_state`, null included) has been seen.
    var initialStateSeen = false
    /// Whether a state was applied successfully (opens the `passthrough:false` gate).
    var stateApplied = false
    /// The merged generation state.
    var state: DecartGenerationState?
    /// Acks held until room_info (bare join), in order.
    var heldAcks: [DecartServerMessage] = []
    /// The aiortc peer.
    var peer: Peer = .none
    /// Client candidates received while the offer waits in the queue.
    var heldCandidates: [DecartICECandidate?] = []
    /// The client's media reached us (LiveKit publish, or the aiortc peer connected).
    var mediaArrived = false
    /// When generation started; nil before.
    var generationStart: SimInstant?
    /// The latest counters from the media side.
    var counters = DecartFrameCounters()
    /// Counters and time of the previous `server_metrics`, for rates.
    var metricsBaseline: (counters: DecartFrameCounters, at: SimInstant)?

    /// A fresh session.
    init(connection: ConnectionID, sessionID: DecartSessionID, query: DecartConnectQuery, endpoint: DecartServerEndpoint, rules: DecartRules) {
        self.connection = connection
        self.sessionID = sessionID
        self.query = query
        self.dialect = DecartClientDialect(userAgent: query.userAgent)
        self.endpoint = endpoint
        self.rules = rules
    }

    /// The join, on the LiveKit path.
    var join: LiveKitJoinRequest? {
        if case .livekit(let join) = transport { join } else { nil }
    }

    /// Whether generation has started.
    var isGenerating: Bool { generationStart != nil }

    /// Whether admission and the room start when the socket opens (`livekit_early_room_info`, or forced).
    var preparesAtOpen: Bool {
        rules.earlyRoomInfo == .forceAtOpen || (query.livekitEarlyRoomInfo && rules.earlyRoomInfo != .ignore)
    }

    /// Whether `livekit_room_info` goes out as soon as the room exists, before any join.
    var sendsRoomInfoAtOpen: Bool {
        rules.earlyRoomInfo == .forceAtOpen || (query.livekitEarlyRoomInfo && rules.earlyRoomInfo == .sendAtOpen)
    }
}
