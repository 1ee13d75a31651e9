/// Our side of an offer on a subscriber connection: transport credentials and session identity.
///
/// The offerer always writes `a=setup:actpass` (RFC 5763 §5), so there is no role to configure; the answer
/// decides it (see ``SubscriberAnswer``).
public struct SDPOfferConfiguration: Hashable, Sendable {
    /// Our ICE username fragment: 4…256 ice-chars (RFC 8839 §5.4).
    public var iceUfrag: String
    /// Our ICE password: 22…256 ice-chars (RFC 8839 §5.4).
    public var icePwd: String
    /// The fingerprint of our DTLS certificate.
    public var fingerprint: DTLSFingerprint
    /// The `o=` session id (RFC 8866 §5.2); keep it for the life of the connection. JSEP (RFC 8829 §5.2.1) wants
    /// the top bit clear, so keep it below 2^63.
    public var sessionID: UInt64
    /// The `o=` session version; increase it with every new offer on the connection (RFC 3264 §8).
    public var sessionVersion: UInt64
    /// The `a=ice-options` tokens we write (default `trickle`, RFC 8840 §4.1.1); empty writes none.
    public var iceOptions: [String]
    /// The `a=sctp-port` of a data-channel section (RFC 8841 §5).
    public var sctpPort: Int = 5000
    /// The `a=max-message-size` of a data-channel section (RFC 8841 §6): the largest message we take.
    public var maxMessageSize: Int = 262_144

    /// Makes a configuration; the ICE options default to `trickle`.
    public init(
        iceUfrag: String,
        icePwd: String,
        fingerprint: DTLSFingerprint,
        sessionID: UInt64,
        sessionVersion: UInt64 = 2,
        iceOptions: [String] = ["trickle"]
    ) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprint = fingerprint
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.iceOptions = iceOptions
    }

    /// The same configuration with new ICE credentials, for an offer that restarts ICE (RFC 8839 §4.4.1.1.1).
    ///
    /// Only the credentials change; the caller still raises ``sessionVersion`` as for any new offer.
    ///
    /// - Throws: ``SDPOfferError/iceRestartReusesCredentials`` when the ufrag or the password equals the current
    ///   one (an ICE restart must change both).
    public func restartingICE(iceUfrag: String, icePwd: String) throws(SDPOfferError) -> SDPOfferConfiguration {
        guard iceUfrag != self.iceUfrag, icePwd != self.icePwd else { throw .iceRestartReusesCredentials }
        var restarted = self
        restarted.iceUfrag = iceUfrag
        restarted.icePwd = icePwd
        return restarted
    }
}
