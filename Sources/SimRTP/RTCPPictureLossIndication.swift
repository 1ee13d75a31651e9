/// A picture loss indication (RFC 4585 §6.3.1, PSFB FMT 1): the receiver needs a keyframe.
public struct RTCPPictureLossIndication: Hashable, Sendable {
    /// RFC 4585 §6.3.1: the FMT of a PLI.
    static let format: UInt8 = 1

    /// The SSRC of the packet sender (the receiver asking).
    public var senderSSRC: SSRC
    /// The media source that should send a keyframe.
    public var mediaSSRC: SSRC

    /// Makes a PLI.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Parses the body after the common header (a PLI has no FCI; any is ignored).
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(8)
        senderSSRC = SSRC(bytes.uint32(at: header.body.lowerBound))
        mediaSSRC = SSRC(bytes.uint32(at: header.body.lowerBound + 4))
    }

    /// Appends the 12-byte wire form.
    public func append(to out: inout [UInt8]) {
        let start = RTCPHeader.begin(count: Int(Self.format), packetType: RTCPHeader.payloadFeedback, in: &out)
        out.appendUInt32(senderSSRC.value)
        out.appendUInt32(mediaSSRC.value)
        RTCPHeader.finish(at: start, in: &out)
    }
}
