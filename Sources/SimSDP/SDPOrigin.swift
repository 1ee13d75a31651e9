/// The `o=` line: `<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
///
/// The session id and version are kept as the digit strings sent, so round trips stay byte-identical even for
/// values that do not fit a fixed-width integer.
public struct SDPOrigin: Hashable, Sendable {
    /// The user name, `-` when there is none (what browsers send).
    public var username: String
    /// The session id, a numeric string.
    public var sessionID: String
    /// The session version, a numeric string that grows with each new description of the session.
    public var sessionVersion: String
    /// The network type, `IN`.
    public var networkType: String
    /// The address type, `IP4` or `IP6`.
    public var addressType: String
    /// The address of the originating machine (browsers send `127.0.0.1`; it carries no meaning).
    public var address: String

    /// Makes an origin from its parts.
    public init(
        username: String = "-",
        sessionID: String,
        sessionVersion: String,
        networkType: String = "IN",
        addressType: String = "IP4",
        address: String = "127.0.0.1"
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the text after `o=`; nil unless it has exactly six space-separated fields.
    init?(lineValue: String) {
        let fields = lineValue.sdpTokens
        guard fields.count == 6 else { return nil }
        self.init(
            username: String(fields[0]),
            sessionID: String(fields[1]),
            sessionVersion: String(fields[2]),
            networkType: String(fields[3]),
            addressType: String(fields[4]),
            address: String(fields[5])
        )
    }

    /// The text after `o=`.
    public var lineValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }
}
