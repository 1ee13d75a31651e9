/// The header-extension profile of an RTP packet (RFC 3550 §5.3.1, RFC 8285 §4).
public enum RTPHeaderExtensionProfile: Hashable, Sendable {
    /// RFC 8285 §4.2 one-byte header (profile `0xBEDE`): ids 1…14, 1…16 data bytes per element.
    case oneByte
    /// RFC 8285 §4.3 two-byte header (profile `0x100` + 4 app bits): ids 1…255, 0…255 data bytes.
    case twoByte(appBits: UInt8)
    /// Any other profile: the data is opaque and carries no RFC 8285 elements.
    case other(UInt16)

    /// RFC 8285 §4.2: the one-byte profile marker.
    public static let oneByteMarker: UInt16 = 0xBEDE
    /// RFC 8285 §4.3: the two-byte profile marker in the upper 12 bits.
    public static let twoByteMarker: UInt16 = 0x1000

    /// Classifies the 16-bit "defined by profile" field.
    public init(rawValue: UInt16) {
        if rawValue == Self.oneByteMarker {
            self = .oneByte
        } else if rawValue & 0xFFF0 == Self.twoByteMarker {
            self = .twoByte(appBits: UInt8(rawValue & 0x000F))
        } else {
            self = .other(rawValue)
        }
    }

    /// The 16-bit "defined by profile" field.
    public var rawValue: UInt16 {
        switch self {
        case .oneByte: Self.oneByteMarker
        case .twoByte(let appBits): Self.twoByteMarker | UInt16(appBits & 0x0F)
        case .other(let value): value
        }
    }
}
