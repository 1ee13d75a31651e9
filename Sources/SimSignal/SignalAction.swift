import SimCore
import SimProto
import SimRoom

/// A timer the signal engine armed; the shell feeds it back through `timerFired`.
public enum SignalTimer: Hashable, Sendable {
    /// A room-model timer.
    case room(RoomTimer)
    /// Time to push a fresh token on a connection.
    case refreshToken(ConnectionID)
}

/// WebSocket close codes the engine uses (RFC 6455 §7.4.1).
public enum SignalCloseCode: UInt16, Sendable {
    /// 1000: normal (LiveKit closes this way after a Leave).
    case normal = 1000
    /// 1003: a frame type we do not accept.
    case unsupportedData = 1003
    /// 1007: a frame whose payload does not decode (malformed protobuf, bad SDP).
    case invalidPayload = 1007
    /// 1008: a policy violation (message order).
    case policyViolation = 1008
    /// 1009: a message over the size limit.
    case messageTooBig = 1009
}

/// What the signal engine asks its shell to do, in order.
public enum SignalAction: Sendable, Equatable {
    /// Write a message (through the `signal.out` tap) in the connection's encoding.
    case send(ConnectionID, Livekit_SignalResponse)
    /// Close the WebSocket with a code and reason.
    case close(ConnectionID, code: SignalCloseCode, reason: String)
    /// Arm a timer.
    case armTimer(SignalTimer, after: Duration)
    /// Cancel a timer.
    case cancelTimer(SignalTimer)
    /// A subscription went live (for the media layer).
    case startForwarding(subscriber: ParticipantSID, track: TrackSID)
    /// A subscription ended (for the media layer).
    case stopForwarding(subscriber: ParticipantSID, track: TrackSID)
    /// Record an event.
    case log(EventRecord)
}

/// How a connection's frames are encoded (reference §1.6).
public enum SignalEncoding: Sendable, Equatable {
    /// Binary protobuf frames (every current SDK).
    case binary
    /// protojson text frames, after the client sent a text frame.
    case json
}
