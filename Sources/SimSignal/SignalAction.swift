import SimCore
import SimProto
import SimRoom

/// A timer the signal engine armed; the shell feeds it back through `timerFired`.
public enum SignalTimer: Hashable, Sendable {
    /// A room-model timer.
    case room(RoomTimer)
    /// Time to push a fresh token on a connection.
    case refreshToken(ConnectionID)
    /// The connection has been silent for `ping_timeout`.
    case signalIdle(ConnectionID)
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
    /// Tell the hub's room observers (after its lock is released).
    case notify(RoomNotification)
    /// The connection's participant (in its room) is known (join or resume): its transports report to it from now on.
    case participantBound(ConnectionID, ParticipantSID, RoomName)
    /// The client's SDP named its side of a transport: ICE credentials, DTLS fingerprint and role.
    case remoteDescription(ParticipantSID, PeerTarget, RemoteTransportDescription)
    /// An ICE restart (RFC 8445 §9): our side of the transport takes these new credentials (already in our SDP).
    case restartICE(ParticipantSID, PeerTarget, ICECredentialPair)
    /// The client trickled an ICE candidate (`candidate:` SDP line; empty = end of candidates).
    case addRemoteCandidate(ParticipantSID, PeerTarget, candidate: String)
    /// A track published by the participant with the SSRCs and codecs its offer declared.
    case publisherTrackMedia(ParticipantSID, PublishedTrackMedia)
    /// A subscription is now in the subscriber's SDP: start sending on its `target` transport.
    case downTrackNegotiated(ParticipantSID, PeerTarget, NegotiatedDownTrack)
    /// A subscription ended: stop sending.
    case downTrackRemoved(ParticipantSID, PeerTarget, TrackSID)
    /// A subscriber's UpdateTrackSettings for a track it receives (simulcast layer choice, pause).
    case downTrackSettings(ParticipantSID, TrackSID, DownTrackSettings)
    /// The participant is gone for good: close its transports.
    case releaseMedia(ParticipantSID)
    /// A virtual track re-sends `source`'s RTP (the Decart inference server's echo).
    case echoTrack(TrackSID, source: TrackSID)
    /// Send a serialized DataPacket (or a data-track frame) on the participant's data channel `channel`; `kind`
    /// names the payload for the `data.out` tap.
    case deliverData(ParticipantSID, [UInt8], channel: DataChannelLabel, kind: String)
}

/// The client's transport parameters, from its offer.
public struct RemoteTransportDescription: Sendable, Equatable {
    /// `a=ice-ufrag`.
    public var iceUfrag: String
    /// `a=ice-pwd`.
    public var icePwd: String
    /// `a=fingerprint` hash function, e.g. `sha-256`.
    public var fingerprintAlgorithm: String
    /// `a=fingerprint` value.
    public var fingerprint: String
    /// Our DTLS role as answered: `true` when we are the DTLS client (`a=setup:active`).
    public var weAreDTLSClient: Bool
    /// Candidates carried in the offer itself (`candidate:` lines).
    public var candidates: [String]
    /// The negotiated data-channel section's SCTP port, or nil when there is none.
    public var sctpPort: UInt16?

    /// A description.
    public init(iceUfrag: String, icePwd: String, fingerprintAlgorithm: String, fingerprint: String, weAreDTLSClient: Bool, candidates: [String],
                sctpPort: UInt16? = nil) {
        self.sctpPort = sctpPort
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprintAlgorithm = fingerprintAlgorithm
        self.fingerprint = fingerprint
        self.weAreDTLSClient = weAreDTLSClient
        self.candidates = candidates
    }
}

/// How a connection's frames are encoded (reference §1.6).
public enum SignalEncoding: Sendable, Equatable {
    /// Binary protobuf frames (every current SDK).
    case binary
    /// protojson text frames, after the client sent a text frame.
    case json
}
