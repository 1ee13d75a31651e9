/// Why a client's answer to our subscriber offer cannot be used (peer input).
public enum SubscriberAnswerError: Error, Hashable, Sendable {
    /// The answer's sections do not carry the offer's mids in the offer's order (RFC 3264 §6: one answered
    /// section per offered section, same order; RFC 8829 §5.3.1: same mids).
    case midsDiffer(offered: [MediaID?], answered: [MediaID?])
    /// The answered section for this mid has another media kind than the offered one (RFC 3264 §6).
    case kindMismatch(MediaID, offered: MediaKind, answered: MediaKind)
    /// Every section was rejected (port 0), so there is no transport.
    case noAcceptedSection
    /// This accepted section is outside the answer's BUNDLE group; we serve one transport only (RFC 8843 §7.3).
    case unbundledSection(MediaID)
    /// The transport section (the answer's BUNDLE-tag) has no usable `a=ice-ufrag`/`a=ice-pwd`, at media or
    /// session level (RFC 8839 §5.4).
    case missingICECredentials(MediaID)
    /// The transport section has no valid `a=fingerprint`, at media or session level (RFC 8122 §5).
    case missingFingerprint(MediaID)
    /// The transport section's `a=setup` is missing or not `active`/`passive`; an answerer must pick a role
    /// (RFC 8842 §5.3, RFC 5763 §5).
    case invalidSetupRole(MediaID, DTLSSetupRole?)
}
