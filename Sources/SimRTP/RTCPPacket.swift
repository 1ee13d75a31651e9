/// One packet of a compound RTCP packet (RFC 3550 §6.1), decoded by type and feedback format.
public enum RTCPPacket: Hashable, Sendable {
    /// SR, packet type 200.
    case senderReport(RTCPSenderReport)
    /// RR, packet type 201.
    case receiverReport(RTCPReceiverReport)
    /// SDES, packet type 202.
    case sourceDescription(RTCPSourceDescription)
    /// BYE, packet type 203.
    case bye(RTCPBye)
    /// Generic NACK, RTPFB (205) FMT 1.
    case nack(RTCPNack)
    /// Transport-wide congestion control feedback, RTPFB (205) FMT 15.
    case transportCC(RTCPTransportCC)
    /// Picture loss indication, PSFB (206) FMT 1.
    case pli(RTCPPictureLossIndication)
    /// Full intra request, PSFB (206) FMT 4.
    case fir(RTCPFullIntraRequest)
    /// Receiver estimated maximum bitrate, PSFB (206) FMT 15 with the "REMB" identifier.
    case remb(RTCPREMB)
    /// Any other packet (APP, XR, other feedback): its type and whole bytes, header and padding included.
    case unknown(packetType: UInt8, bytes: [UInt8])

    /// Parses every packet of a compound RTCP packet.
    ///
    /// The RFC 3550 §6.1 compound rules (SR/RR first, CNAME present) are not enforced, since RFC 5506
    /// reduced-size RTCP sends feedback alone.
    /// - Throws: `RTCPParseError` for the first packet whose header or known body does not fit.
    public static func parseCompound(_ bytes: ArraySlice<UInt8>) throws(RTCPParseError) -> [RTCPPacket] {
        var packets: [RTCPPacket] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let header = try RTCPHeader(bytes, at: position)
            packets.append(try RTCPPacket(bytes, header: header))
            position = header.packet.upperBound
        }
        return packets
    }

    /// Parses every packet of a compound RTCP packet.
    /// - Throws: `RTCPParseError` for the first packet whose header or known body does not fit.
    public static func parseCompound(_ bytes: [UInt8]) throws(RTCPParseError) -> [RTCPPacket] {
        try parseCompound(bytes[...])
    }

    /// Decodes one packet whose header has been read.
    private init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        switch (header.packetType, header.count) {
        case (RTCPHeader.senderReport, _):
            self = .senderReport(try RTCPSenderReport(bytes, header: header))
        case (RTCPHeader.receiverReport, _):
            self = .receiverReport(try RTCPReceiverReport(bytes, header: header))
        case (RTCPHeader.sourceDescription, _):
            self = .sourceDescription(try RTCPSourceDescription(bytes, header: header))
        case (RTCPHeader.bye, _):
            self = .bye(try RTCPBye(bytes, header: header))
        case (RTCPHeader.transportFeedback, RTCPNack.format):
            self = .nack(try RTCPNack(bytes, header: header))
        case (RTCPHeader.transportFeedback, RTCPTransportCC.format):
            self = .transportCC(try RTCPTransportCC(bytes, header: header))
        case (RTCPHeader.payloadFeedback, RTCPPictureLossIndication.format):
            self = .pli(try RTCPPictureLossIndication(bytes, header: header))
        case (RTCPHeader.payloadFeedback, RTCPFullIntraRequest.format):
            self = .fir(try RTCPFullIntraRequest(bytes, header: header))
        case (RTCPHeader.payloadFeedback, RTCPREMB.format):
            if let remb = try RTCPREMB(bytes, header: header) {
                self = .remb(remb)
            } else {
                self = .unknown(packetType: header.packetType, bytes: Array(bytes[header.packet]))
            }
        default:
            self = .unknown(packetType: header.packetType, bytes: Array(bytes[header.packet]))
        }
    }

    /// Appends the wire form (a list that overflows a 5-bit count becomes several packets).
    public func append(to out: inout [UInt8]) {
        switch self {
        case .senderReport(let packet): packet.append(to: &out)
        case .receiverReport(let packet): packet.append(to: &out)
        case .sourceDescription(let packet): packet.append(to: &out)
        case .bye(let packet): packet.append(to: &out)
        case .nack(let packet): packet.append(to: &out)
        case .transportCC(let packet): packet.append(to: &out)
        case .pli(let packet): packet.append(to: &out)
        case .fir(let packet): packet.append(to: &out)
        case .remb(let packet): packet.append(to: &out)
        case .unknown(_, let bytes): out.append(contentsOf: bytes)
        }
    }

    /// The wire form of this packet alone.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    /// The wire form of a compound packet: each packet in order.
    public static func serializeCompound(_ packets: [RTCPPacket]) -> [UInt8] {
        var out: [UInt8] = []
        for packet in packets { packet.append(to: &out) }
        return out
    }
}
