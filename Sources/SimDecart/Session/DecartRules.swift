/// The protocol choices where the reference allows more than one server behaviour, as data: the defaults are the
/// compatible ones (reference §9); a scenario can hand a connection different rules to reproduce a race (§8).
public struct DecartRules: Sendable, Equatable {
    /// When a `set_image_ack`/`prompt_ack` may precede `livekit_room_info`.
    public enum EarlyAckPolicy: Sendable, Equatable {
        /// Ack at once if the client buffers early acks (bundled or lean join, aiortc, or before any join);
        /// after a bare join, hold acks until room_info is sent (JS v0.1.0–0.1.5 had no buffer). Default.
        case whenClientBuffers
        /// Always hold acks until room_info is sent (a conservative server).
        case afterRoomInfo
        /// Always ack at once (reproduces §8 R1 against bare-join clients).
        case immediately
    }

    /// What `livekit_early_room_info=true` does.
    public enum EarlyRoomInfoPolicy: Sendable, Equatable {
        /// The flag is ignored: admission and the room start at `livekit_join`.
        case ignore
        /// Admission and room creation start when the WebSocket opens, but room_info is still sent only after
        /// `livekit_join`, because PY-main and AND-main drop a room_info that precedes their join (§8 R9, §9.3).
        /// Default.
        case prepareAtOpen
        /// Admission and room creation start at open and room_info is sent as soon as the room exists, even
        /// before `livekit_join` (what the flag literally asks for; reproduces §8 R9).
        case sendAtOpen
        /// As `sendAtOpen`, for every client whether or not it sent the flag (a scenario's `room_info_early`:
        /// reproduces §8 R9 with any client).
        case forceAtOpen
    }

    /// A scripted wait in the queue (a scenario's `queue`, races §8 R1 and R10): `queue_position` with each of
    /// `positions` in turn, `interval` apart, then admission through the real queue — or, without `admit`, no
    /// admission at all.
    public struct QueueScript: Sendable, Equatable {
        /// The positions sent, in order, e.g. `[3, 2, 1]`.
        public var positions: [Int]
        /// The `queue_size` sent with each.
        public var size: Int
        /// Time between positions, and from the last one to admission.
        public var interval: Duration
        /// Whether the session is admitted after the last position.
        public var admit: Bool

        /// A script.
        public init(positions: [Int], size: Int, interval: Duration, admit: Bool) {
            self.positions = positions
            self.size = size
            self.interval = interval
            self.admit = admit
        }
    }

    /// What a refused queue request looks like.
    public struct QueueFull: Sendable, Equatable {
        /// An `error` frame sent before the close, if any (python fixture: "Server at capacity. Please try again later.").
        public var errorText: String?
        /// The close reason that goes with code 1013.
        public var closeReason: String

        /// A refusal.
        public init(errorText: String? = nil, closeReason: String = "Concurrent session limit reached.") {
            self.errorText = errorText
            self.closeReason = closeReason
        }
    }

    /// Early-ack policy (reference §4.3, §8 R1).
    public var earlyAcks: EarlyAckPolicy = .whenClientBuffers
    /// Early-room-info policy (reference §1, §8 R9).
    public var earlyRoomInfo: EarlyRoomInfoPolicy = .prepareAtOpen
    /// Send `session_id` right after `livekit_room_info` in LiveKit mode (the bouncer still does, per JS-obs commit
    /// 1704928; JS ignores it, Android parses it).
    public var sessionIDInLiveKitMode = true
    /// Send `session_id` right after the `answer` in aiortc mode (drives the aiortc subscribe token, §5).
    public var sessionIDInAiortcMode = true
    /// Send `ready` after acking an initial state that arrived before any `offer` or `livekit_join` (aiortc).
    /// Off by default: a server `ready` makes JS/Android start an offer (reference §3), a second one if they
    /// already offered.
    public var readyAfterPreOfferAck = false
    /// Refuse every initial state with `success:false` and this error (`dc-initial-state-rejected`).
    public var initialStateRejection: String?
    /// The `livekit_url` sent in `livekit_room_info` instead of the server's (a scenario's unreachable URL).
    public var roomInfoURL: String?
    /// A scripted queue wait before every admission (nil: the real queue alone decides).
    public var queueScript: QueueScript?
    /// What a refused queue request sends.
    public var queueFull = QueueFull()
    /// The close code after a connect rejection (invalid key, model, resolution). Reference §10.1 leaves it open.
    public var connectRejectionCloseCode: DecartCloseCode = .policyViolation

    /// The default (compatible) rules.
    public init() {}
}
