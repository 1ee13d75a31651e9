import SimCore

/// An agent a room asks for when it is created: from the creating participant's token (`roomConfig.agents`) or
/// RoomService `CreateRoom` (`agents`). A room created with none gets one request for the unnamed agent (LiveKit's
/// automatic dispatch); the agent service turns each into a dispatch and its jobs.
public struct RoomAgentRequest: Sendable, Equatable {
    /// The agent name workers registered with (`""`: workers without a name).
    public var agentName: String
    /// Given to the job as `Job.metadata`.
    public var metadata: String
    /// Given to the job as `Job.attributes`.
    public var attributes: [String: String]

    /// A request for `agentName`.
    public init(agentName: String, metadata: String = "", attributes: [String: String] = [:]) {
        self.agentName = agentName
        self.metadata = metadata
        self.attributes = attributes
    }
}
