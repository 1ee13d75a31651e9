import SimCore

/// Settings of the agent dispatcher (LiveKit's `pkg/agent` constants unless a test server needs otherwise).
public struct AgentConfiguration: Sendable, Equatable {
    /// API keys and secrets: a job token is signed with the key its worker authenticated with.
    public var keys: [APIKey: String]
    /// How long a worker may take to register after connecting (LiveKit `RegisterTimeout`).
    public var registerTimeout: Duration = .seconds(10)
    /// How long a worker may take to answer an availability request (LiveKit `AssignJobTimeout`); an unanswered
    /// offer is not retried.
    public var assignTimeout: Duration = .seconds(10)
    /// Lifetime of a job token (LiveKit: one hour).
    public var tokenTTL: Duration = .seconds(3600)
    /// Whether a worker's reported load (≥ 1) or WS_FULL status keeps it from getting jobs. LiveKit does; a test
    /// server does not by default: agents on a busy CI machine report loads near 1 and would get no job.
    public var respectLoad = false
    /// `ServerInfo.version` in the registration answer.
    public var serverVersion = "1.9.0"
    /// `ServerInfo.node_id`.
    public var nodeID = "ND_sfusim"
    /// Largest worker message accepted (LiveKit `agent_signal_message_size_limit`: 2 MiB).
    public var maxMessageSize = 2 * 1024 * 1024

    /// Settings signing job tokens with `keys`.
    public init(keys: [APIKey: String]) {
        self.keys = keys
    }
}
