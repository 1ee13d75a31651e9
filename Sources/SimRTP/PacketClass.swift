/// What a datagram on a WebRTC 5-tuple carries, by its first byte (RFC 7983 §7, as updated by RFC 9443).
public enum PacketClass: Sendable, Equatable {
    /// 0…3: STUN (ICE connectivity checks).
    case stun
    /// 16…19: ZRTP (not used by WebRTC).
    case zrtp
    /// 20…63: DTLS.
    case dtls
    /// 64…79: TURN channel data.
    case turnChannel
    /// 128…191: RTP or RTCP (tell them apart with `isRTCP`).
    case rtpOrRTCP
    /// Anything else: dropped.
    case unknown

    /// Classifies a datagram by its first byte.
    public init(firstByte: UInt8) {
        switch firstByte {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191: self = .rtpOrRTCP
        default: self = .unknown
        }
    }

    /// RFC 5761 §4: with RTP and RTCP multiplexed, an RTCP packet type (second byte) lies in 192…223.
    public static func isRTCP(secondByte: UInt8) -> Bool { (192...223).contains(secondByte) }
}
