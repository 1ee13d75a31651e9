/// `session_id{session_id, server_ip, server_port}`: Android fails to parse a partial one and reconnects
/// (reference §3, §9.5), so all three fields are required here.
public struct DecartSessionInfo: Sendable, Equatable {
    /// The session id.
    public var sessionID: DecartSessionID
    /// The server's IP as the client should see it.
    public var serverIP: String
    /// The server's port.
    public var serverPort: Int

    /// Session info.
    public init(sessionID: DecartSessionID, serverIP: String, serverPort: Int) {
        self.sessionID = sessionID
        self.serverIP = serverIP
        self.serverPort = serverPort
    }
}
