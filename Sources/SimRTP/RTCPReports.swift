// SR and RR share the report-block layout, so both live here (files named *SenderReport* belong to the
// sender-report generator).

/// A sender report (RFC 3550 §6.4.1, packet type 200): sender info plus reception report blocks.
public struct RTCPSenderReport: Hashable, Sendable {
    /// The sender's SSRC.
    public var ssrc: SSRC
    /// The 64-bit NTP timestamp when the report was sent (32.32 fixed point seconds since 1900).
    public var ntpTimestamp: UInt64
    /// The same instant in the stream's RTP timestamp units.
    public var rtpTimestamp: UInt32
    /// RTP packets sent since the stream began.
    public var packetCount: UInt32
    /// RTP payload octets sent since the stream began.
    public var octetCount: UInt32
    /// Reception reports; more than 31 are serialized into extra RR packets.
    public var reportBlocks: [RTCPReportBlock]

    /// Makes a sender report.
    public init(
        ssrc: SSRC, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reportBlocks: [RTCPReportBlock] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = reportBlocks
    }

    /// Parses the body; profile-specific extensions after the report blocks are ignored.
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(24)
        let body = header.body.lowerBound
        ssrc = SSRC(bytes.uint32(at: body))
        ntpTimestamp = bytes.uint64(at: body + 4)
        rtpTimestamp = bytes.uint32(at: body + 12)
        packetCount = bytes.uint32(at: body + 16)
        octetCount = bytes.uint32(at: body + 20)
        reportBlocks = try RTCPReportBlock.parse(bytes, header: header, from: body + 24, count: Int(header.count))
    }

    /// Appends the wire form (plus overflow RRs when there are more than 31 report blocks).
    public func append(to out: inout [UInt8]) {
        let first = reportBlocks.prefix(RTCPHeader.maxCount)
        let start = RTCPHeader.begin(count: first.count, packetType: RTCPHeader.senderReport, in: &out)
        out.appendUInt32(ssrc.value)
        out.appendUInt64(ntpTimestamp)
        out.appendUInt32(rtpTimestamp)
        out.appendUInt32(packetCount)
        out.appendUInt32(octetCount)
        for block in first { block.append(to: &out) }
        RTCPHeader.finish(at: start, in: &out)
        RTCPReportBlock.appendOverflow(reportBlocks.dropFirst(first.count), from: ssrc, to: &out)
    }
}

/// A receiver report (RFC 3550 §6.4.2, packet type 201): reception report blocks from a non-sender.
public struct RTCPReceiverReport: Hashable, Sendable {
    /// The reporter's SSRC.
    public var ssrc: SSRC
    /// Reception reports; more than 31 are serialized into extra RR packets.
    public var reportBlocks: [RTCPReportBlock]

    /// Makes a receiver report.
    public init(ssrc: SSRC, reportBlocks: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = reportBlocks
    }

    /// Parses the body; profile-specific extensions after the report blocks are ignored.
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        try header.require(4)
        ssrc = SSRC(bytes.uint32(at: header.body.lowerBound))
        reportBlocks = try RTCPReportBlock.parse(
            bytes, header: header, from: header.body.lowerBound + 4, count: Int(header.count))
    }

    /// Appends the wire form (split into several RRs when there are more than 31 report blocks).
    public func append(to out: inout [UInt8]) {
        if reportBlocks.isEmpty {
            let start = RTCPHeader.begin(count: 0, packetType: RTCPHeader.receiverReport, in: &out)
            out.appendUInt32(ssrc.value)
            RTCPHeader.finish(at: start, in: &out)
        } else {
            RTCPReportBlock.appendOverflow(reportBlocks[...], from: ssrc, to: &out)
        }
    }
}
