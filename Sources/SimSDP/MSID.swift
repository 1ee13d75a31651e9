/// An `a=msid` value (RFC 8830 §2): the media stream id and, optionally, the track id.
///
/// LiveKit matches a published m-line to its AddTrack request by the track id (the client's `cid`), and gives
/// subscribers `PA_sid|TR_sid` as stream id and `TR_sid` as track id.
public struct MSID: Hashable, Sendable {
    /// The media stream id; `-` means the track belongs to no stream.
    public var streamID: String
    /// The track id (RFC 8830's msid-appdata), if sent.
    public var trackID: String?

    /// Makes an msid from its parts.
    public init(streamID: String, trackID: String?) {
        self.streamID = streamID
        self.trackID = trackID
    }

    /// Parses an attribute value: one or two space-separated fields; nil otherwise.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard (1...2).contains(fields.count) else { return nil }
        self.init(streamID: String(fields[0]), trackID: fields.count == 2 ? String(fields[1]) : nil)
    }

    /// The attribute value.
    public var attributeValue: String {
        guard let trackID else { return streamID }
        return "\(streamID) \(trackID)"
    }
}
