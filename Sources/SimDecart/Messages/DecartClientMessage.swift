/// A client → server control message (reference §2).
public enum DecartClientMessage: Sendable, Equatable {
    /// `livekit_join` (LiveKit transport).
    case livekitJoin(LiveKitJoinRequest)
    /// `set_image` or `prompt`.
    case state(DecartStateMessage)
    /// `offer{sdp}` (aiortc: the client offers).
    case offer(sdp: String)
    /// `answer{sdp}` (aiortc: only after a server offer).
    case answer(sdp: String)
    /// `ice-candidate{candidate}`; `nil` is the JS end-of-gathering `{candidate:null}`.
    case iceCandidate(DecartICECandidate?)
    /// `observability{data}` (JS-obs branch): free-form client events, logged only.
    case observability(JSONValue?)
    /// `pause` (JS-pause branch).
    case pause
    /// `resume` (JS-pause branch).
    case resume

    /// The wire `type`.
    public var type: String {
        switch self {
        case .livekitJoin: "livekit_join"
        case .state(let state): state.type
        case .offer: "offer"
        case .answer: "answer"
        case .iceCandidate: "ice-candidate"
        case .observability: "observability"
        case .pause: "pause"
        case .resume: "resume"
        }
    }
}
