/// An RTP payload type, 0…127 (RFC 3550 §5.1: the field is 7 bits). Dynamic types are 96…127 (RFC 3551 §3),
/// though libwebrtc also allocates 35…63 once those run out.
public struct PayloadType: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The largest value the 7-bit RTP field can carry.
    public static let maximumValue: UInt8 = 127

    /// The numeric value, 0…127.
    public let value: UInt8

    /// Wraps a number; nil when it does not fit the 7-bit RTP field.
    public init?(exactly value: Int) {
        guard (0...Int(Self.maximumValue)).contains(value) else { return nil }
        self.value = UInt8(value)
    }

    /// Wraps a literal from our own code; a literal above 127 is a programming error.
    public init(integerLiteral value: UInt8) {
        precondition(value <= Self.maximumValue, "RTP payload types are 7 bits")
        self.value = value
    }

    /// Parses a decimal token such as `111`; nil for anything else.
    init?(token: some StringProtocol) {
        guard let number = token.sdpNumber(UInt8.self), number <= Self.maximumValue else { return nil }
        self.value = number
    }

    /// The decimal value, as SDP writes it.
    public var description: String { String(value) }

    /// Orders by number.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
