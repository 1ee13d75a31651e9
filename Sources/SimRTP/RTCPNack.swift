/// A generic NACK (RFC 4585 §6.2.1, RTPFB FMT 1): the receiver asks for retransmission of lost packets.
public struct RTCPNack: Hashable, Sendable {
    /// RFC 4585 §6.2.1: the FMT of a generic NACK.
    static let format: UInt8 = 1

    /// One FCI entry: a lost packet id and a bitmask of the 16 following losses.
    public struct Entry: Hashable, Sendable {
        /// The packet id (PID): a lost sequence number.
        public var packetID: UInt16
        /// Bitmask of following lost packets (BLP): bit i set means `packetID + i + 1` is lost too.
        public var bitmask: UInt16

        /// Makes an entry.
        public init(packetID: UInt16, bitmask: UInt16) {
            self.packetID = packetID
            self.bitmask = bitmask
        }

        /// The lost sequence numbers this entry names, in order (wrapping past 65535).
        public var lostSequenceNumbers: [UInt16] {
            var lost = [packetID]
            for bit in 0..<16 where bitmask & (1 << bit) != 0 { lost.append(packetID &+ UInt16(bit + 1)) }
            return lost
        }
    }

    /// The SSRC of the packet sender (the receiver asking).
    public var senderSSRC: SSRC
    /// The media source whose packets were lost.
    public var mediaSSRC: SSRC
    /// The FCI entries.
    public var entries: [Entry]

    /// Makes a NACK from FCI entries.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    /// Makes a NACK from lost sequence numbers given in sending order; each entry covers up to 17 numbers.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, lostSequenceNumbers: [UInt16]) {
        var entries: [Entry] = []
        for sequence in lostSequenceNumbers {
            if let last = entries.last {
                let distance = sequence &- last.packetID
                if distance == 0 { continue }
                if distance <= 16 {
                    entries[entries.count - 1].bitmask |= 1 << (distance - 1)
                    continue
                }
            }
            entries.append(Entry(packetID: sequence, bitmask: 0))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, entries: entries)
    }

    /// Every lost sequence number, entry by entry.
    public var lostSequenceNumbers: [UInt16] { entries.flatMap(\.lostSequenceNumbers) }

    /// Parses the body after the common header: two SSRCs, then 4-byte FCI entries (a trailing partial
    /// entry is ignored).
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(8)
        let body = header.body.lowerBound
        senderSSRC = SSRC(bytes.uint32(at: body))
        mediaSSRC = SSRC(bytes.uint32(at: body + 4))
        let count = (header.body.count - 8) / 4
        entries = (0..<count).map {
            Entry(packetID: bytes.uint16(at: body + 8 + 4 * $0), bitmask: bytes.uint16(at: body + 10 + 4 * $0))
        }
    }

    /// Appends the wire form.
    public func append(to out: inout [UInt8]) {
        let start = RTCPHeader.begin(count: Int(Self.format), packetType: RTCPHeader.transportFeedback, in: &out)
        out.appendUInt32(senderSSRC.value)
        out.appendUInt32(mediaSSRC.value)
        for entry in entries {
            out.appendUInt16(entry.packetID)
            out.appendUInt16(entry.bitmask)
        }
        RTCPHeader.finish(at: start, in: &out)
    }
}
