/// Counters the media side reports for one session; `server_metrics` is computed from them (rates from the
/// difference between two reports over the engine's clock).
public struct DecartFrameCounters: Sendable, Equatable {
    /// Input (client) video frames received since the session started.
    public var inputFrames: Int
    /// Output (generated) frames sent since the session started.
    public var outputFrames: Int
    /// Frames waiting in the input queue now.
    public var inputQueueSize: Int
    /// Frames waiting in the output queue now.
    public var outputQueueSize: Int
    /// The latest input-to-output latency, if measured.
    public var pipelineLatency: Duration?

    /// Counters.
    public init(inputFrames: Int = 0, outputFrames: Int = 0, inputQueueSize: Int = 0, outputQueueSize: Int = 0, pipelineLatency: Duration? = nil) {
        self.inputFrames = inputFrames
        self.outputFrames = outputFrames
        self.inputQueueSize = inputQueueSize
        self.outputQueueSize = outputQueueSize
        self.pipelineLatency = pipelineLatency
    }
}
