/// A full intra request (RFC 5104 §4.3.1, PSFB FMT 4): each listed source should send a decoder refresh.
public struct RTCPFullIntraRequest: Hashable, Sendable {
    /// RFC 5104 §4.3.1: the FMT of a FIR.
    static let format: UInt8 = 4

    /// One FCI entry: a target source and the request's command sequence number.
    public struct Entry: Hashable, Sendable {
        /// The media sender that should send a keyframe.
        public var ssrc: SSRC
        /// Incremented per new request, so repeats of one request are recognizable.
        public var sequenceNumber: UInt8

        /// Makes an entry.
        public init(ssrc: SSRC, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    /// The SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// RFC 5104 §4.3.1.2: the media source field SHALL be 0 (the targets are in the entries).
    public var mediaSSRC: SSRC
    /// The FCI entries.
    public var entries: [Entry]

    /// Makes a FIR.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC = 0, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    /// Parses the body after the common header: two SSRCs, then 8-byte entries (SSRC, seq nr, 24 reserved
    /// bits); a trailing partial entry is ignored.
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(8)
        let body = header.body.lowerBound
        senderSSRC = SSRC(bytes.uint32(at: body))
        mediaSSRC = SSRC(bytes.uint32(at: body + 4))
        let count = (header.body.count - 8) / 8
        entries = (0..<count).map {
            Entry(ssrc: SSRC(bytes.uint32(at: body + 8 + 8 * $0)), sequenceNumber: bytes[body + 12 + 8 * $0])
        }
    }

    /// Appends the wire form.
    public func append(to out: inout [UInt8]) {
        let start = RTCPHeader.begin(count: Int(Self.format), packetType: RTCPHeader.payloadFeedback, in: &out)
        out.appendUInt32(senderSSRC.value)
        out.appendUInt32(mediaSSRC.value)
        for entry in entries {
            out.appendUInt32(entry.ssrc.value)
            out.append(entry.sequenceNumber)
            out.appendUInt24(0)
        }
        RTCPHeader.finish(at: start, in: &out)
    }
}
