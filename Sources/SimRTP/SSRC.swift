/// An RTP synchronization source identifier (RFC 3550 §5.1): 32 bits naming one media stream.
public struct SSRC: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The identifier as it travels on the wire.
    public let value: UInt32

    /// Wraps a wire value.
    public init(_ value: UInt32) { self.value = value }

    /// Wraps an integer literal (tests and constants).
    public init(integerLiteral value: UInt32) { self.value = value }

    /// The value in hexadecimal, as packet dumps show it (`0x1a2b3c4d`).
    public var description: String {
        let hex = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Orders by wire value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
