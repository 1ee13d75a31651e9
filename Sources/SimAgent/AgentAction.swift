import SimCore
import SimProto

/// A timer the dispatcher asks for; the shell feeds it back as ``AgentDispatcher/timerFired(_:wall:)``.
public enum AgentTimer: Sendable, Hashable {
    /// A connection that has not registered yet.
    case register(ConnectionID)
    /// An availability request to a worker, waiting for its answer (`attempt` tells offers of one job apart).
    case offer(job: String, attempt: Int)
}

/// What the dispatcher decided; the shell runs these in order (sends through the `agent.out` tap).
public enum AgentAction: Sendable {
    /// Write a message to a worker.
    case send(ConnectionID, Livekit_ServerMessage, room: RoomName?)
    /// Close a worker's socket.
    case close(ConnectionID, code: UInt16, reason: String)
    /// Arm (or re-arm) a timer.
    case armTimer(AgentTimer, after: Duration)
    /// Cancel a timer.
    case cancelTimer(AgentTimer)
    /// Append to the event log.
    case log(EventRecord)
}
