/// Why ``SDPOfferBuilder`` could not build an offer from the caller's sections and configuration.
public enum SDPOfferError: Error, Hashable, Sendable {
    /// No section was given; an offer needs at least one m-line to carry the transport.
    case noSections
    /// This mid is not an SDP token (RFC 5888 §4, RFC 8866 §9: non-empty, no spaces or separators).
    case invalidMID(MediaID)
    /// Two sections share this mid.
    case duplicateMID(MediaID)
    /// The section for this mid is neither audio nor video.
    case unsupportedKind(MediaID, MediaKind)
    /// The track section's kind differs from its template's kind.
    case templateKindMismatch(MediaID, section: MediaKind, template: MediaKind)
    /// The template of this track section has no codec we forward (opus; VP8, H.264, VP9, AV1).
    case noForwardableCodec(MediaID)
    /// The track's msid stream or track id is not an SDP token (RFC 8830 §2).
    case invalidMSID(MediaID)
    /// Two track sections send with this SSRC.
    case duplicateSSRC(UInt32)
    /// The ICE ufrag or password does not follow RFC 8839 §5.4 (4…256 and 22…256 characters of
    /// `ALPHA / DIGIT / "+" / "/"`).
    case invalidICECredentials
    /// An ICE restart kept the ufrag or the password (RFC 8839 §4.4.1.1.1 requires new values for both).
    case iceRestartReusesCredentials
}
