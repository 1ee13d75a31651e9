/// A receiver estimated maximum bitrate message (draft-alvestrand-rmcat-remb-03 §2.2, PSFB FMT 15 with
/// the "REMB" identifier): the receiver's estimate of the total bitrate it can take for the listed sources.
public struct RTCPREMB: Hashable, Sendable {
    /// RFC 4585 §6.4: application layer feedback.
    static let format: UInt8 = 15
    /// The unique identifier "REMB" in ASCII.
    static let identifier: [UInt8] = [0x52, 0x45, 0x4D, 0x42]
    /// The mantissa field has 18 bits.
    static let mantissaMax: UInt64 = 0x3_FFFF

    /// The SSRC of the packet sender.
    public var senderSSRC: SSRC
    /// The estimate in bits per second; serialized as an 18-bit mantissa and 6-bit exponent, so values above
    /// 262,143 lose their low bits (rounded down).
    public var bitrate: UInt64
    /// The media sources the estimate covers (at most 255 on the wire).
    public var ssrcs: [SSRC]

    /// Makes a REMB.
    public init(senderSSRC: SSRC, bitrate: UInt64, ssrcs: [SSRC]) {
        self.senderSSRC = senderSSRC
        self.bitrate = bitrate
        self.ssrcs = ssrcs
    }

    /// The (exponent, mantissa) pair that encodes `bitrate`, the smallest exponent that fits.
    public static func encode(bitrate: UInt64) -> (exponent: UInt8, mantissa: UInt32) {
        var mantissa = bitrate
        var exponent: UInt8 = 0
        while mantissa > mantissaMax {
            mantissa >>= 1
            exponent += 1
        }
        return (exponent, UInt32(mantissa))
    }

    /// `mantissa × 2^exponent`, saturating at `UInt64.max` (a peer may send exponent 63).
    public static func decode(exponent: UInt8, mantissa: UInt32) -> UInt64 {
        let value = UInt64(mantissa)
        guard value != 0 else { return 0 }
        guard Int(exponent) < 64, Int(exponent) <= value.leadingZeroBitCount else { return .max }
        return value << exponent
    }

    /// Parses the body of a PSFB FMT 15 packet; nil when it is not a REMB (another application message).
    init?(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        let body = header.body.lowerBound
        guard header.body.count >= 12, bytes[(body + 8)..<(body + 12)].elementsEqual(Self.identifier) else {
            return nil
        }
        try header.require(16)
        senderSSRC = SSRC(bytes.uint32(at: body))
        let count = Int(bytes[body + 12])
        let exponent = bytes[body + 13] >> 2
        let mantissa = bytes.uint24(at: body + 13) & 0x3_FFFF
        bitrate = Self.decode(exponent: exponent, mantissa: mantissa)
        try header.require(16 + 4 * count)
        ssrcs = (0..<count).map { SSRC(bytes.uint32(at: body + 16 + 4 * $0)) }
    }

    /// Appends the wire form (media source 0, as the draft requires).
    public func append(to out: inout [UInt8]) {
        let start = RTCPHeader.begin(count: Int(Self.format), packetType: RTCPHeader.payloadFeedback, in: &out)
        out.appendUInt32(senderSSRC.value)
        out.appendUInt32(0)
        out.append(contentsOf: Self.identifier)
        let listed = ssrcs.prefix(255)
        out.append(UInt8(listed.count))
        let (exponent, mantissa) = Self.encode(bitrate: bitrate)
        out.append(exponent << 2 | UInt8(truncatingIfNeeded: mantissa >> 16))
        out.appendUInt16(UInt16(truncatingIfNeeded: mantissa))
        for ssrc in listed { out.appendUInt32(ssrc.value) }
        RTCPHeader.finish(at: start, in: &out)
    }
}
