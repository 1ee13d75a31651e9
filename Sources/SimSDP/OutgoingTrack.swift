/// A track we send in an answered section that the offerer receives on (its `recvonly` or `sendrecv` slot).
///
/// For LiveKit subscribers: `streamID` is `PA_sid|TR_sid` and `trackID` is `TR_sid` (reference §3.5).
public struct OutgoingTrack: Hashable, Sendable {
    /// The msid stream id.
    public var streamID: String
    /// The msid track id.
    public var trackID: String
    /// The SSRC we send the media with.
    public var ssrc: UInt32
    /// The SSRC we send retransmissions with (RFC 4588), if any; written only when an RTX codec is kept.
    public var rtxSSRC: UInt32?

    /// Makes an outgoing track from its parts.
    public init(streamID: String, trackID: String, ssrc: UInt32, rtxSSRC: UInt32? = nil) {
        self.streamID = streamID
        self.trackID = trackID
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
    }
}
