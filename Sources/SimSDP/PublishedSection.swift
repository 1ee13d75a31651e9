/// A media section in which the description's author sends a track: what the signalling layer needs to match
/// the section to a LiveKit `AddTrack` request (by msid track id == `cid`).
public struct PublishedSection: Hashable, Sendable {
    /// The section's mid.
    public var mid: MediaID
    /// Audio or video.
    public var kind: MediaKind
    /// The msid stream id (`-` when the track has no stream).
    public var streamID: String
    /// The msid track id (LiveKit clients set it to the AddTrack `cid`), if sent.
    public var trackID: String?
    /// The rids the author sends (`a=rid:… send`), in order; empty without simulcast.
    public var rids: [RID]
    /// The first media codec as a MIME type, such as `video/VP8` (see ``MediaDescription/primaryCodec``).
    public var mimeType: String?

    /// Makes a published section from its parts.
    public init(mid: MediaID, kind: MediaKind, streamID: String, trackID: String?, rids: [RID], mimeType: String?) {
        self.mid = mid
        self.kind = kind
        self.streamID = streamID
        self.trackID = trackID
        self.rids = rids
        self.mimeType = mimeType
    }
}
