/// Which end of the DTLS handshake this side plays (SDP `a=setup`: `active` → client, `passive` → server).
public enum DTLSRole: Sendable, Hashable {
    /// Sends the ClientHello (`a=setup:active`).
    case client
    /// Waits for the ClientHello (`a=setup:passive`).
    case server
}
