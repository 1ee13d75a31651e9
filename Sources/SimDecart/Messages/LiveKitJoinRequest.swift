/// `livekit_join` in its three generations (reference §2, §4.2).
public struct LiveKitJoinRequest: Sendable, Equatable {
    /// Which shape of join the client sent.
    public enum Generation: Sendable, Equatable {
        /// G1 `{type}`: the initial state, if any, comes after `livekit_room_info` (JS v0.1.0–0.1.5, PY-main).
        case bare
        /// G2 `{type, initial_state}`: the state rides in the join (`nil` for `initial_state:null`). The key's
        /// presence tells the server the client buffers an ack that arrives before room_info (JS commit f49f547).
        case bundled(DecartStateMessage?)
        /// G3 `{type, passthrough}`: the state follows as a separate frame; with `passthrough:false` the server
        /// must not generate until it arrives (PR #166).
        case lean(passthrough: Bool)

        /// A short name for logs: `bare`, `bundled`, `lean`.
        public var name: String {
            switch self {
            case .bare: "bare"
            case .bundled: "bundled"
            case .lean: "lean"
            }
        }
    }

    /// The join's generation.
    public var generation: Generation
    /// `client_capabilities.frame_timing` (JS ≥ v0.1.15): only then may output carry frame-timing trailers (§6).
    public var frameTiming: Bool
    /// `pause_mode` (JS-pause branch): forces `passthrough:false`.
    public var pauseMode: Bool

    /// A join.
    public init(generation: Generation, frameTiming: Bool = false, pauseMode: Bool = false) {
        self.generation = generation
        self.frameTiming = frameTiming
        self.pauseMode = pauseMode
    }

    /// Whether generation must wait for an initial state (lean `passthrough:false`, or `pause_mode`).
    public var withholdsUntilInitialState: Bool {
        if pauseMode { return true }
        if case .lean(let passthrough) = generation { return !passthrough }
        return false
    }

    /// Whether the client buffers a `set_image_ack`/`prompt_ack` that precedes `livekit_room_info`
    /// (reference §4.3: JS ≥ v0.1.6, AND-main, IOS-main — all bundled or lean senders).
    public var clientBuffersEarlyAcks: Bool {
        if case .bare = generation { return false }
        return true
    }
}
