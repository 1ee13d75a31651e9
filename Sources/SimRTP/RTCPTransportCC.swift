/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1,
/// RTPFB FMT 15): per-packet arrival information for transport-wide sequence numbers.
///
/// The header fields are parsed eagerly; the packet chunks and receive deltas are kept as bytes and decoded
/// on demand by `packetStatuses()`.
public struct RTCPTransportCC: Hashable, Sendable {
    /// The draft's FMT for transport-wide feedback.
    static let format: UInt8 = 15
    /// Receive deltas count in units of 250 µs.
    public static let deltaUnit: Duration = .microseconds(250)
    /// The reference time counts in units of 64 ms.
    public static let referenceTimeUnit: Duration = .milliseconds(64)

    /// One transport-wide packet's fate.
    public struct PacketStatus: Hashable, Sendable {
        /// The transport-wide sequence number.
        public var sequenceNumber: UInt16
        /// Arrival time relative to the previous received packet (or the reference time); nil if not received.
        public var receiveDelta: Duration?

        /// Makes a status.
        public init(sequenceNumber: UInt16, receiveDelta: Duration?) {
            self.sequenceNumber = sequenceNumber
            self.receiveDelta = receiveDelta
        }
    }

    /// The SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// The media source field (unused by the draft; usually the first media SSRC).
    public var mediaSSRC: SSRC
    /// The transport-wide sequence number of the first packet described.
    public var baseSequenceNumber: UInt16
    /// How many packets the feedback describes.
    public var packetStatusCount: UInt16
    /// 24-bit signed absolute reference time, in multiples of 64 ms.
    public var referenceTime: Int32
    /// Counts feedback packets, so that lost feedback is detectable.
    public var feedbackPacketCount: UInt8
    /// The packet chunks and receive deltas as sent (after the fb pkt count field).
    public var chunksAndDeltas: [UInt8]

    /// Makes a feedback message from its fields and already-encoded chunks and deltas.
    public init(
        senderSSRC: SSRC, mediaSSRC: SSRC, baseSequenceNumber: UInt16, packetStatusCount: UInt16,
        referenceTime: Int32, feedbackPacketCount: UInt8, chunksAndDeltas: [UInt8]
    ) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequenceNumber = baseSequenceNumber
        self.packetStatusCount = packetStatusCount
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        self.chunksAndDeltas = chunksAndDeltas
    }

    /// Parses the body after the common header.
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(16)
        let body = header.body.lowerBound
        senderSSRC = SSRC(bytes.uint32(at: body))
        mediaSSRC = SSRC(bytes.uint32(at: body + 4))
        baseSequenceNumber = bytes.uint16(at: body + 8)
        packetStatusCount = bytes.uint16(at: body + 10)
        // Sign-extend the 24-bit field.
        referenceTime = Int32(bitPattern: bytes.uint24(at: body + 12) << 8) >> 8
        feedbackPacketCount = bytes[body + 15]
        chunksAndDeltas = Array(bytes[(body + 16)..<header.body.upperBound])
    }

    /// Appends the wire form (the stored chunks and deltas verbatim, zero-padded to a word).
    public func append(to out: inout [UInt8]) {
        let start = RTCPHeader.begin(count: Int(Self.format), packetType: RTCPHeader.transportFeedback, in: &out)
        out.appendUInt32(senderSSRC.value)
        out.appendUInt32(mediaSSRC.value)
        out.appendUInt16(baseSequenceNumber)
        out.appendUInt16(packetStatusCount)
        out.appendUInt24(UInt32(bitPattern: referenceTime))
        out.append(feedbackPacketCount)
        out.append(contentsOf: chunksAndDeltas)
        RTCPHeader.finish(at: start, in: &out)
    }

    /// Decodes the packet chunks and receive deltas; nil when they are truncated or use the reserved symbol.
    public func packetStatuses() -> [PacketStatus]? {
        let total = Int(packetStatusCount)
        let bytes = chunksAndDeltas[...]
        var symbols: [UInt8] = []
        symbols.reserveCapacity(total)
        var position = bytes.startIndex
        while symbols.count < total {
            guard bytes.has(2, at: position) else { return nil }
            let chunk = bytes.uint16(at: position)
            position += 2
            let remaining = total - symbols.count
            if chunk & 0x8000 == 0 {
                // §3.1.3 run length chunk: T=0, 2-bit symbol, 13-bit run length.
                let symbol = UInt8(chunk >> 13 & 0x3)
                symbols.append(contentsOf: repeatElement(symbol, count: min(Int(chunk & 0x1FFF), remaining)))
            } else if chunk & 0x4000 == 0 {
                // §3.1.4 status vector chunk, S=0: fourteen 1-bit symbols.
                for bit in (0..<14).reversed().prefix(remaining) { symbols.append(UInt8(chunk >> bit & 0x1)) }
            } else {
                // §3.1.4 status vector chunk, S=1: seven 2-bit symbols.
                for pair in (0..<7).reversed().prefix(remaining) { symbols.append(UInt8(chunk >> (2 * pair) & 0x3)) }
            }
        }
        var statuses: [PacketStatus] = []
        statuses.reserveCapacity(total)
        for (index, symbol) in symbols.enumerated() {
            let sequence = baseSequenceNumber &+ UInt16(truncatingIfNeeded: index)
            switch symbol {
            case 0:
                statuses.append(PacketStatus(sequenceNumber: sequence, receiveDelta: nil))
            case 1:
                // §3.1.5: small delta, one unsigned byte.
                guard bytes.has(1, at: position) else { return nil }
                statuses.append(PacketStatus(sequenceNumber: sequence, receiveDelta: Self.deltaUnit * Int(bytes[position])))
                position += 1
            case 2:
                // §3.1.5: large or negative delta, two signed bytes.
                guard bytes.has(2, at: position) else { return nil }
                let ticks = Int(Int16(bitPattern: bytes.uint16(at: position)))
                statuses.append(PacketStatus(sequenceNumber: sequence, receiveDelta: Self.deltaUnit * ticks))
                position += 2
            default:
                return nil
            }
        }
        return statuses
    }
}
