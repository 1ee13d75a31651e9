import SimCore

/// Something that happened to the control engine: client frames, the socket, timers, and notifications from the
/// room and media side. Each is handled by `DecartSessionStateMachine.handle(_:now:)`.
public enum DecartEvent: Sendable {
    /// A `/v1/stream` WebSocket opened. `rules` overrides the configured rules for this connection (a scenario).
    case connectionOpened(ConnectionID, query: DecartConnectQuery, endpoint: DecartServerEndpoint, rules: DecartRules? = nil)
    /// A text frame arrived (decoded by the engine).
    case textFrameReceived(ConnectionID, String)
    /// A frame the shell already decoded (after its `control.in` tap) arrived.
    case messageReceived(ConnectionID, DecartDecodedFrame)
    /// A frame the shell could not decode (or a binary/oversize frame it classified itself).
    case frameRejected(ConnectionID, DecartDecodeError)
    /// A binary frame arrived (the protocol has none, reference §1).
    case binaryFrameReceived(ConnectionID, byteCount: Int)
    /// The WebSocket layer refused a frame over its size limit.
    case oversizeFrameReceived(ConnectionID, byteCount: Int)
    /// The WebSocket closed (by the client or the network); `code` is nil when none was received (1005/1006).
    case connectionClosed(ConnectionID, code: UInt16?, reason: String)
    /// A timer armed by an earlier action fired.
    case timerFired(DecartTimer)
    /// The room side created the session's LiveKit room and minted the publisher token.
    case roomCreated(ConnectionID, livekitURL: String, token: String, roomName: RoomName)
    /// The room side could not create the room.
    case roomCreationFailed(ConnectionID, reason: String)
    /// The client's LiveKit participant published a video track (any name or source, reference §4.5).
    case publisherVideoPublished(ConnectionID)
    /// The client's LiveKit participant is connected but publishes no video: generation starts from a test
    /// pattern instead of its camera.
    case publisherJoinedWithoutVideo(ConnectionID)
    /// The media side counted frames for a session (cumulative counters).
    case framesCounted(ConnectionID, DecartFrameCounters)
    /// The aiortc peer produced its answer to the client's offer.
    case peerAnswered(ConnectionID, sdp: String)
    /// The aiortc peer gathered a local candidate; nil = gathering complete.
    case peerCandidateGathered(ConnectionID, DecartICECandidate?)
    /// The aiortc peer connected (media can flow).
    case peerConnected(ConnectionID)
    /// The aiortc peer failed.
    case peerFailed(ConnectionID, reason: String)
    /// The client's `offer` could not be used (malformed or unusable SDP): the client's fault, not the server's.
    case peerOfferRejected(ConnectionID, reason: String)
    /// The server ends a session (insufficient credits, moderation, shutdown, a scenario): an optional `error`
    /// frame, `generation_ended`, then a close (reference §8 R7).
    case sessionEndRequested(ConnectionID, reason: GenerationEndReason, errorText: String?)
}
