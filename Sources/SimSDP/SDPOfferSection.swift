/// One media section the caller asks ``SDPOfferBuilder`` for, in offer order.
///
/// Once a section has been offered on a connection, later offers must keep it at the same index with the same
/// mid and kind (RFC 8829 §5.2.2); the caller owns that bookkeeping and turns a section whose track went away
/// into ``inactive(mid:kind:)``, or reuses it for a later track of the same kind.
public enum SDPOfferSection: Hashable, Sendable {
    /// A `sendonly` section carrying one forwarded track.
    ///
    /// - Parameters:
    ///   - mid: The section's mid.
    ///   - kind: `.audio` or `.video`; must match the template's kind.
    ///   - template: The publisher's section for the track, whose payload types, `rtpmap`s and `fmtp`s the
    ///     offer reuses for the codecs we forward.
    ///   - track: The msid and SSRC we send with. Its `rtxSSRC` is ignored: RTX is not offered.
    case track(mid: MediaID, kind: MediaKind, template: MediaDescription, track: OutgoingTrack)
    /// An `inactive` section with a default codec: a placeholder that gives the connection a transport before
    /// any track is subscribed, or a section whose track was unsubscribed.
    case inactive(mid: MediaID, kind: MediaKind)
    /// An `m=application` section for the server's data channels (SCTP over DTLS, RFC 8841): `a=sctp-port` and
    /// `a=max-message-size` from the configuration.
    case dataChannels(mid: MediaID)

    /// The section's mid.
    public var mid: MediaID {
        switch self {
        case .track(let mid, _, _, _), .inactive(let mid, _), .dataChannels(let mid): mid
        }
    }

    /// The section's media kind.
    public var kind: MediaKind {
        switch self {
        case .track(_, let kind, _, _), .inactive(_, let kind): kind
        case .dataChannels: .application
        }
    }
}
