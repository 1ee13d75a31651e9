/// Why a DTLS association failed or could not be set up.
public enum DTLSError: Error, Sendable, Equatable {
    /// OpenSSL could not create the context, key or certificate; the text is OpenSSL's error string.
    case setupFailed(String)
    /// The handshake failed (alert received or sent, protocol violation); the text is OpenSSL's reason.
    case handshakeFailed(String)
    /// The peer did not answer a flight after the configured number of retransmissions.
    case handshakeTimeout
    /// The peer completed the handshake without presenting a certificate.
    case missingPeerCertificate
    /// The peer's certificate does not match the fingerprint from its SDP (`a=fingerprint`).
    case fingerprintMismatch(expected: DTLSFingerprint, actual: DTLSFingerprint)
    /// The handshake completed without negotiating one of our SRTP profiles (RFC 5764 `use_srtp`).
    case noSRTPProfileNegotiated
    /// `SSL_export_keying_material` failed.
    case keyExportFailed
    /// The peer sent `close_notify`.
    case closedByPeer
    /// A fatal error after the handshake (e.g. a bad record in an established association).
    case connectionFailed(String)
}
