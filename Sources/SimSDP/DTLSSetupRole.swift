/// The `a=setup` value (RFC 4145 §4, RFC 5763 §5): which side opens the DTLS association.
public enum DTLSSetupRole: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The author will start the DTLS handshake (DTLS client).
    case active
    /// The author waits for the handshake (DTLS server).
    case passive
    /// Either role; an offerer must use this (RFC 5763 §5).
    case actpass
    /// No connection for now.
    case holdconn

    /// The attribute value.
    public var description: String { rawValue }
}
