/// A `c=` line: `<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7), such as `IN IP4 0.0.0.0`.
public struct SDPConnection: Hashable, Sendable {
    /// The network type, `IN`.
    public var networkType: String
    /// The address type, `IP4` or `IP6`.
    public var addressType: String
    /// The address, possibly with a multicast `/ttl` suffix, kept as sent.
    public var address: String

    /// Makes a connection line from its parts; the default is the ICE placeholder `IN IP4 0.0.0.0`.
    public init(networkType: String = "IN", addressType: String = "IP4", address: String = "0.0.0.0") {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the text after `c=`; nil unless it has exactly three space-separated fields.
    init?(lineValue: String) {
        let fields = lineValue.sdpTokens
        guard fields.count == 3 else { return nil }
        self.init(networkType: String(fields[0]), addressType: String(fields[1]), address: String(fields[2]))
    }

    /// The text after `c=`.
    public var lineValue: String { "\(networkType) \(addressType) \(address)" }
}
