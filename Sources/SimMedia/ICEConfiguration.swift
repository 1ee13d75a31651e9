/// How an ``ICEAgent`` gathers and which ICE role it plays.
public struct ICEConfiguration: Sendable, Equatable {
    /// The IP address literals (IPv4 or IPv6) to gather host candidates on. Default `["127.0.0.1"]`.
    ///
    /// Must not be empty: the agent never gathers on every interface (house style §7, toolchain notes).
    public var localAddresses: [String]
    /// The local UDP port range for host candidates, or `nil` for any ephemeral port. Default `nil`.
    public var portRange: ClosedRange<UInt16>?
    /// The ICE role (RFC 8445 §6.1.1). Default ``ICERole/controlled`` (an SFU answering a client's offer).
    public var role: ICERole

    /// Creates a configuration; every parameter has the documented default.
    public init(
        localAddresses: [String] = ["127.0.0.1"],
        portRange: ClosedRange<UInt16>? = nil,
        role: ICERole = .controlled
    ) {
        self.localAddresses = localAddresses
        self.portRange = portRange
        self.role = role
    }
}

/// The ICE role of an agent (RFC 8445 §6.1.1): the controlling agent nominates the candidate pair.
public enum ICERole: Sendable, Equatable {
    /// Nominates the selected pair (usually the offerer, e.g. a browser).
    case controlling
    /// Accepts the controlling agent's nomination (usually the answerer, e.g. the SFU).
    case controlled
}
