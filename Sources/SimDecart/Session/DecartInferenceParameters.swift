import SimCore

/// What the media side needs to start generating for a session.
public struct DecartInferenceParameters: Sendable, Equatable {
    /// The session.
    public var sessionID: DecartSessionID
    /// The LiveKit room (nil on the aiortc path).
    public var room: RoomName?
    /// The model from the query.
    public var model: String
    /// `720p` or `1080p` (default 720p).
    public var resolution: String
    /// The state to generate from; nil = passthrough (no state yet, or a bootstrap).
    public var state: DecartGenerationState?
    /// `livekit_server_codec`.
    public var codec: String?
    /// `pixel_latency=1`: copy pixel markers to output frames.
    public var pixelLatency: Bool
    /// `client_capabilities.frame_timing`: echo frame timestamps.
    public var frameTiming: Bool

    /// Parameters.
    public init(sessionID: DecartSessionID, room: RoomName?, model: String, resolution: String, state: DecartGenerationState?,
                codec: String?, pixelLatency: Bool, frameTiming: Bool) {
        self.sessionID = sessionID
        self.room = room
        self.model = model
        self.resolution = resolution
        self.state = state
        self.codec = codec
        self.pixelLatency = pixelLatency
        self.frameTiming = frameTiming
    }
}
