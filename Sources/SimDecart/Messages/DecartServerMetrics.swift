/// `server_metrics` (reference §3; mirrors `inference_server/rt/metrics_emitter.py` per JS-PR119): every field but
/// `session_id` is optional and omitted when nil.
public struct DecartServerMetrics: Sendable, Equatable {
    /// The session id.
    public var sessionID: DecartSessionID
    /// Input frames per second over the last interval.
    public var inputFPS: Double?
    /// Output frames per second over the last interval.
    public var outputFPS: Double?
    /// Input frames since the session started.
    public var inputFrameCount: Int?
    /// Output frames since the session started.
    public var outputFrameCount: Int?
    /// Input-to-output latency of the pipeline, in milliseconds.
    public var pipelineLatencyMs: Double?
    /// Frames waiting in the input queue.
    public var videoInQueueSize: Int?
    /// Frames waiting in the output queue.
    public var videoOutQueueSize: Int?

    /// Metrics for a session.
    public init(sessionID: DecartSessionID, inputFPS: Double? = nil, outputFPS: Double? = nil, inputFrameCount: Int? = nil,
                outputFrameCount: Int? = nil, pipelineLatencyMs: Double? = nil, videoInQueueSize: Int? = nil, videoOutQueueSize: Int? = nil) {
        self.sessionID = sessionID
        self.inputFPS = inputFPS
        self.outputFPS = outputFPS
        self.inputFrameCount = inputFrameCount
        self.outputFrameCount = outputFrameCount
        self.pipelineLatencyMs = pipelineLatencyMs
        self.videoInQueueSize = videoInQueueSize
        self.videoOutQueueSize = videoOutQueueSize
    }
}
