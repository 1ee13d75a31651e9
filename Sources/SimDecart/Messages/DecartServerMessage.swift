/// A server → client control message (reference §3), one per action so a shell can delay, drop or reorder each.
public enum DecartServerMessage: Sendable, Equatable {
    /// `queue_position{position, queue_position, queue_size}`: both position keys, because iOS reads only the
    /// legacy `queue_position` and Python requires `position` (reference §3, §9.3).
    case queuePosition(position: Int, queueSize: Int)
    /// `status{status}` (aiortc / early-LiveKit queue era: `"Entering queue"`, `"Ready"`).
    case status(String)
    /// `livekit_room_info`.
    case livekitRoomInfo(LiveKitRoomInfo)
    /// `session_id{session_id, server_ip, server_port}`.
    case sessionID(DecartSessionInfo)
    /// `set_image_ack{success, error}`: acks the oldest pending `set_image`; `error` is always written.
    case setImageAck(success: Bool, error: String?)
    /// `prompt_ack{prompt, success, error}`: `prompt` echoes the request byte for byte.
    case promptAck(prompt: PromptText, success: Bool, error: String?)
    /// `generation_started`.
    case generationStarted
    /// `generation_tick{seconds}`: whole seconds (Python types it `int`).
    case generationTick(seconds: Int)
    /// `generation_ended{seconds, reason}`.
    case generationEnded(seconds: Int, reason: GenerationEndReason)
    /// `error{error}`, with `error_type` only when given (JS-errors branch taxonomy).
    case error(String, errorType: String? = nil)
    /// `server_metrics` (only with `?emit_server_metrics=1`, never to Android).
    case serverMetrics(DecartServerMetrics)
    /// `answer{sdp}` (aiortc).
    case answer(sdp: String)
    /// `offer{sdp}` (aiortc renegotiation).
    case offer(sdp: String)
    /// `ice-candidate{candidate}` (aiortc); never null: iOS and Python reject a null candidate.
    case iceCandidate(DecartICECandidate)
    /// `ready` (aiortc): makes JS/Android (re)start their offer.
    case ready
    /// `pause_ack{success, error}` (JS-pause branch).
    case pauseAck(success: Bool, error: String?)
    /// `resume_ack{success, error}` (JS-pause branch).
    case resumeAck(success: Bool, error: String?)

    /// The wire `type`.
    public var type: String {
        switch self {
        case .queuePosition: "queue_position"
        case .status: "status"
        case .livekitRoomInfo: "livekit_room_info"
        case .sessionID: "session_id"
        case .setImageAck: "set_image_ack"
        case .promptAck: "prompt_ack"
        case .generationStarted: "generation_started"
        case .generationTick: "generation_tick"
        case .generationEnded: "generation_ended"
        case .error: "error"
        case .serverMetrics: "server_metrics"
        case .answer: "answer"
        case .offer: "offer"
        case .iceCandidate: "ice-candidate"
        case .ready: "ready"
        case .pauseAck: "pause_ack"
        case .resumeAck: "resume_ack"
        }
    }
}
