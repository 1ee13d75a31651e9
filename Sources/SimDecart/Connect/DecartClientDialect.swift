/// Which SDK is on the other end, as far as its parser strictness matters (reference §3.1), read from `user_agent`.
public enum DecartClientDialect: String, Sendable, Equatable {
    /// `decart-js-sdk/…`: ignores unknown types.
    case js
    /// `decart-android-sdk/…`: an unknown type is a parse error that disconnects or reconnects the session.
    case android
    /// The Python SDK: pydantic errors are logged and the message dropped.
    case python
    /// No or unrecognised `user_agent` (iOS sends none): decode errors are logged and ignored.
    case unknown

    /// The message types Android main parses (reference §3.1); anything else breaks an Android session.
    public static let androidTypes: Set<String> = [
        "ready", "offer", "answer", "ice-candidate", "prompt_ack", "error", "set_image_ack", "generation_started",
        "generation_tick", "generation_ended", "session_id", "livekit_room_info", "status", "queue_position",
    ]

    /// The dialect named by a `user_agent` query value.
    public init(userAgent: String?) {
        guard let agent = userAgent?.lowercased() else {
            self = .unknown
            return
        }
        if agent.hasPrefix("decart-android-sdk/") { self = .android }
        else if agent.hasPrefix("decart-js-sdk/") { self = .js }
        else if agent.contains("python") { self = .python }
        else { self = .unknown }
    }

    /// Whether a client of this dialect can receive a message of `type` without failing.
    public func accepts(type: String) -> Bool {
        switch self {
        case .android: Self.androidTypes.contains(type)
        case .js, .python, .unknown: true
        }
    }
}
