/// One reception report block of an SR or RR (RFC 3550 §6.4.1): 24 bytes about one source.
public struct RTCPReportBlock: Hashable, Sendable {
    /// RFC 3550 §6.4.1: a report block is 24 bytes.
    static let length = 24
    /// The 24-bit signed range of the cumulative-lost field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: SSRC
    /// Fraction of packets lost since the previous report, as a fixed-point number ×256.
    public var fractionLost: UInt8
    /// Packets lost since reception began (24-bit signed; duplicates can make it negative).
    public var cumulativeLost: Int32
    /// The highest sequence number received, extended with the count of wraps in the upper 16 bits.
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// The middle 32 bits of the NTP timestamp of the last SR received from this source (0 if none).
    public var lastSenderReport: UInt32
    /// Delay since that SR was received, in units of 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    /// Makes a report block; `cumulativeLost` is clamped to 24 bits when serialized.
    public init(
        ssrc: SSRC, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequenceNumber: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads a block at absolute index `index` (caller checked 24 bytes are there).
    init(_ bytes: ArraySlice<UInt8>, at index: Int) {
        ssrc = SSRC(bytes.uint32(at: index))
        fractionLost = bytes[index + 4]
        // Sign-extend the 24-bit field.
        cumulativeLost = Int32(bitPattern: bytes.uint24(at: index + 5) << 8) >> 8
        extendedHighestSequenceNumber = bytes.uint32(at: index + 8)
        jitter = bytes.uint32(at: index + 12)
        lastSenderReport = bytes.uint32(at: index + 16)
        delaySinceLastSenderReport = bytes.uint32(at: index + 20)
    }

    /// Appends the 24-byte wire form.
    func append(to out: inout [UInt8]) {
        out.appendUInt32(ssrc.value)
        out.append(fractionLost)
        let lost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        out.appendUInt24(UInt32(bitPattern: lost))
        out.appendUInt32(extendedHighestSequenceNumber)
        out.appendUInt32(jitter)
        out.appendUInt32(lastSenderReport)
        out.appendUInt32(delaySinceLastSenderReport)
    }

    /// Reads `count` blocks starting at absolute index `start` of the header's body.
    static func parse(
        _ bytes: ArraySlice<UInt8>, header: RTCPHeader, from start: Int, count: Int
    ) throws(RTCPParseError) -> [RTCPReportBlock] {
        try header.require(start - header.body.lowerBound + count * length)
        var blocks: [RTCPReportBlock] = []
        blocks.reserveCapacity(count)
        for index in 0..<count { blocks.append(RTCPReportBlock(bytes, at: start + index * length)) }
        return blocks
    }

    /// Appends `blocks` beyond the first `RTCPHeader.maxCount` as extra RR packets from `ssrc`
    /// (RFC 3550 §6.4.2: more than 31 sources are reported in additional RRs).
    static func appendOverflow(_ blocks: ArraySlice<RTCPReportBlock>, from ssrc: SSRC, to out: inout [UInt8]) {
        var rest = blocks
        while !rest.isEmpty {
            let chunk = rest.prefix(RTCPHeader.maxCount)
            rest = rest.dropFirst(chunk.count)
            let start = RTCPHeader.begin(count: chunk.count, packetType: RTCPHeader.receiverReport, in: &out)
            out.appendUInt32(ssrc.value)
            for block in chunk { block.append(to: &out) }
            RTCPHeader.finish(at: start, in: &out)
        }
    }
}
