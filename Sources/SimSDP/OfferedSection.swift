/// What an offer from ``SDPOfferBuilder`` wrote for one media section.
public struct OfferedSection: Hashable, Sendable {
    /// The section's mid.
    public var mid: MediaID
    /// Audio or video.
    public var kind: MediaKind
    /// The offered direction: `sendonly` with a track, `inactive` without.
    public var direction: MediaDirection
    /// The codecs offered, in m-line order.
    public var codecs: [RTPMap]
    /// The track sent in the section, if any.
    public var track: OutgoingTrack?

    /// Makes a summary from its parts.
    public init(
        mid: MediaID, kind: MediaKind, direction: MediaDirection, codecs: [RTPMap], track: OutgoingTrack? = nil
    ) {
        self.mid = mid
        self.kind = kind
        self.direction = direction
        self.codecs = codecs
        self.track = track
    }
}
