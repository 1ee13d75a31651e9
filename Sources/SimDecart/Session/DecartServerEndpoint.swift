/// Where the client reached the server, for `session_id{server_ip, server_port}`.
public struct DecartServerEndpoint: Sendable, Equatable {
    /// The server's IP as the client sees it.
    public var ip: String
    /// The server's port.
    public var port: Int

    /// An endpoint.
    public init(ip: String, port: Int) {
        self.ip = ip
        self.port = port
    }
}
