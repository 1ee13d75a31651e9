import SimCore
import SimFaults

/// `DisconnectReason` of a LeaveRequest (livekit_models.proto), by its lowercase proto name.
public enum LeaveReason: String, Sendable, Hashable, CaseIterable {
    /// UNKNOWN_REASON = 0.
    case unknownReason = "unknown_reason"
    /// CLIENT_INITIATED = 1.
    case clientInitiated = "client_initiated"
    /// DUPLICATE_IDENTITY = 2.
    case duplicateIdentity = "duplicate_identity"
    /// SERVER_SHUTDOWN = 3.
    case serverShutdown = "server_shutdown"
    /// PARTICIPANT_REMOVED = 4.
    case participantRemoved = "participant_removed"
    /// ROOM_DELETED = 5.
    case roomDeleted = "room_deleted"
    /// STATE_MISMATCH = 6.
    case stateMismatch = "state_mismatch"
    /// JOIN_FAILURE = 7.
    case joinFailure = "join_failure"
    /// MIGRATION = 8.
    case migration
    /// SIGNAL_CLOSE = 9.
    case signalClose = "signal_close"
    /// ROOM_CLOSED = 10.
    case roomClosed = "room_closed"
    /// USER_UNAVAILABLE = 11.
    case userUnavailable = "user_unavailable"
    /// USER_REJECTED = 12.
    case userRejected = "user_rejected"
    /// SIP_TRUNK_FAILURE = 13.
    case sipTrunkFailure = "sip_trunk_failure"
    /// CONNECTION_TIMEOUT = 14.
    case connectionTimeout = "connection_timeout"
    /// MEDIA_FAILURE = 15.
    case mediaFailure = "media_failure"
    /// AGENT_ERROR = 16.
    case agentError = "agent_error"

    /// The proto enum number.
    public var protoValue: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// `LeaveRequest.Action` (livekit_rtc.proto).
public enum LeaveAction: String, Sendable, Hashable, CaseIterable {
    /// DISCONNECT = 0: the client gives up.
    case disconnect
    /// RESUME = 1: the client resumes the session.
    case resume
    /// RECONNECT = 2: the client rejoins from scratch.
    case reconnect

    /// The proto enum number.
    public var protoValue: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// `leave`: send a LeaveRequest to a participant.
public struct LeaveParameters: Sendable, Equatable {
    /// To whom (default: the triggering event's connection; in a timeline: everyone).
    public var identity: Identity?
    /// The reason.
    public var reason: LeaveReason
    /// What the client should do.
    public var action: LeaveAction

    /// Parameters.
    public init(identity: Identity? = nil, reason: LeaveReason, action: LeaveAction) {
        self.identity = identity
        self.reason = reason
        self.action = action
    }
}

/// What the server does with a participant SID when an identity joins again.
public enum RejoinSIDMode: String, Sendable, Hashable, CaseIterable {
    /// A fresh `PA_` SID on every join (LiveKit's behaviour).
    case reissue
    /// The previous SID again (non-conforming; tests identity-keyed clients).
    case keep
}

/// Which a subscriber sees first when a track is published: the media (SDP offer) or the metadata (`update`).
public enum MediaOrdering: String, Sendable, Hashable, CaseIterable {
    /// The offer carrying the track before the `update` announcing it (race `lk-track-before-metadata`).
    case mediaBeforeMetadata = "media_before_metadata"
    /// The `update` before the offer (the conforming order, forced).
    case metadataBeforeMedia = "metadata_before_media"
}

/// `order`: force one ordering of media and metadata towards subscribers.
public struct OrderParameters: Sendable, Equatable {
    /// The ordering.
    public var ordering: MediaOrdering
    /// Only tracks of this publisher (matched on the `update`'s participants).
    public var publisher: Identity?
    /// Only towards this subscriber.
    public var subscriber: Identity?
    /// Release a held message anyway after this long.
    public var timeout: Duration

    /// Parameters.
    public init(ordering: MediaOrdering, publisher: Identity? = nil, subscriber: Identity? = nil,
                timeout: Duration = ReorderParameters.defaultTimeout) {
        self.ordering = ordering
        self.publisher = publisher
        self.subscriber = subscriber
        self.timeout = timeout
    }
}
