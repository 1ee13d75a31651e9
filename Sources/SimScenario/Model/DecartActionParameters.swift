import SimCore
import SimFaults

/// The initial-state acks of the Decart control protocol.
public enum DecartAck: String, Sendable, Hashable, CaseIterable {
    /// `set_image_ack`.
    case setImageAck = "set_image_ack"
    /// `prompt_ack`.
    case promptAck = "prompt_ack"
}

/// `generation_ended.reason` values (reference §3).
public enum GenerationEndReasonName: String, Sendable, Hashable, CaseIterable {
    /// The client went away.
    case disconnect
    /// The session reached its time limit.
    case timeout
    /// Content moderation stopped the session.
    case moderationViolation = "moderation_violation"
    /// A server-side failure.
    case error
    /// The account ran out of credits.
    case insufficientCredits = "insufficient_credits"
}

/// `queue`: how admission queues new Decart sessions.
public struct DecartQueuePlan: Sendable, Equatable {
    /// The `queue_position` values sent in order, e.g. `[3, 2, 1]`.
    public var positions: [Int]
    /// `queue_size` in each message (default: the largest position).
    public var size: Int
    /// Time between queue messages, and from the last one to admission.
    public var interval: Duration
    /// Whether the session is admitted (room_info sent) after the last position; false keeps it queued forever
    /// (race R10).
    public var admit: Bool

    /// A plan.
    public init(positions: [Int], size: Int? = nil, interval: Duration, admit: Bool = true) {
        self.positions = positions
        self.size = size ?? positions.max() ?? 0
        self.interval = interval
        self.admit = admit
    }
}

/// `end_session`: `error`, then `generation_ended`, then close (race R7).
public struct DecartEnding: Sendable, Equatable {
    /// Whose session (default: the triggering event's connection; in a timeline: every control connection).
    public var identity: Identity?
    /// The `error` frame's text; nil sends no `error`.
    public var error: String?
    /// `generation_ended.reason`.
    public var reason: GenerationEndReasonName
    /// `generation_ended.seconds`.
    public var seconds: Int
    /// The close code after `generation_ended`; nil keeps the socket open.
    public var closeCode: CloseCode?
    /// The close reason.
    public var closeReason: String

    /// An ending.
    public init(identity: Identity? = nil, error: String? = nil, reason: GenerationEndReasonName = .error, seconds: Int = 0,
                closeCode: CloseCode? = .normal, closeReason: String = "") {
        self.identity = identity
        self.error = error
        self.reason = reason
        self.seconds = seconds
        self.closeCode = closeCode
        self.closeReason = closeReason
    }
}
