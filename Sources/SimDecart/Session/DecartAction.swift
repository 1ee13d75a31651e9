import SimCore

/// What the control engine asks its shell to do, in order. Every outgoing message is its own `send`, so a shell
/// can delay, drop or reorder each at the `control.out` tap.
public enum DecartAction: Sendable, Equatable {
    /// Write one message as a JSON text frame (`DecartMessageEncoder.encode`).
    case send(ConnectionID, DecartServerMessage)
    /// Close the WebSocket with a code and reason.
    case close(ConnectionID, code: DecartCloseCode, reason: String)
    /// Arm (or re-arm) a timer.
    case armTimer(DecartTimer, after: Duration)
    /// Cancel a timer.
    case cancelTimer(DecartTimer)
    /// Record an event.
    case log(EventRecord)
    /// Create the session's LiveKit room and mint the publisher token; answer with `roomCreated`.
    case createRoom(ConnectionID, DecartRoomRequest)
    /// The session is over: remove its room (also sent while its creation is still in flight).
    case releaseRoom(ConnectionID, RoomName)
    /// Start the generator (the `inference-server-` bot in the room, or the aiortc peer's output).
    case startInference(ConnectionID, DecartInferenceParameters)
    /// The initial state arrived while the generator already runs in passthrough (Python publishes first).
    case setInitialState(ConnectionID, DecartGenerationState)
    /// A runtime `set_image`/`prompt` changed the state.
    case updateState(ConnectionID, DecartGenerationState)
    /// Stop the generator.
    case stopInference(ConnectionID)
    /// Start the aiortc peer with the client's offer; answer with `peerAnswered`.
    case startPeer(ConnectionID, offerSDP: String)
    /// Give the aiortc peer a client candidate; nil = the client finished gathering.
    case addRemoteCandidate(ConnectionID, DecartICECandidate?)
    /// Close the aiortc peer.
    case closePeer(ConnectionID)
}
