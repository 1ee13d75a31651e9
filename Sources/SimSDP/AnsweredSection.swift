/// What the answer decided for one offered media section.
public struct AnsweredSection: Hashable, Sendable {
    /// The section's mid.
    public var mid: MediaID
    /// The media kind.
    public var kind: MediaKind
    /// Whether the section was accepted (port 9) rather than rejected (port 0).
    public var accepted: Bool
    /// The direction the offer wrote.
    public var offeredDirection: MediaDirection
    /// The direction the answer writes (`inactive` for rejected sections).
    public var answeredDirection: MediaDirection
    /// The offer's msid track id when the offerer sends in this section.
    public var offeredTrackID: String?
    /// The rids the offerer sends and we receive (simulcast layers), in order.
    public var rids: [RID]
    /// The codecs kept, in answer order (the offer's payload types).
    public var codecs: [RTPMap]
    /// The header extensions kept, with the offer's ids.
    public var headerExtensions: [ExtMap]
    /// The track id we send in this section, if an outgoing track was attached.
    public var outgoingTrackID: String?

    /// Makes a summary from its parts.
    public init(
        mid: MediaID,
        kind: MediaKind,
        accepted: Bool,
        offeredDirection: MediaDirection,
        answeredDirection: MediaDirection,
        offeredTrackID: String? = nil,
        rids: [RID] = [],
        codecs: [RTPMap] = [],
        headerExtensions: [ExtMap] = [],
        outgoingTrackID: String? = nil
    ) {
        self.mid = mid
        self.kind = kind
        self.accepted = accepted
        self.offeredDirection = offeredDirection
        self.answeredDirection = answeredDirection
        self.offeredTrackID = offeredTrackID
        self.rids = rids
        self.codecs = codecs
        self.headerExtensions = headerExtensions
        self.outgoingTrackID = outgoingTrackID
    }
}
