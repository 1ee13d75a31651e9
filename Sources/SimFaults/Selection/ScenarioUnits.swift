/// A share from 0 to 100 percent.
public struct Percentage: Sendable, Hashable, CustomStringConvertible {
    /// The percentage, 0…100.
    public var value: Double
    /// A percentage (the loader checks the range).
    public init(_ value: Double) { self.value = value }
    /// The probability, 0…1.
    public var fraction: Double { value / 100 }
    /// `N%`.
    public var description: String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}

/// A bit rate (`500kbps`, `2mbps`, `64000bps`).
public struct Bitrate: Sendable, Hashable, CustomStringConvertible {
    /// Bits per second.
    public var bitsPerSecond: Int64
    /// A rate.
    public init(bitsPerSecond: Int64) { self.bitsPerSecond = bitsPerSecond }
    /// Bytes per second, rounded down.
    public var bytesPerSecond: Int64 { bitsPerSecond / 8 }
    /// The shortest exact spelling, e.g. `500kbps`.
    public var description: String {
        if bitsPerSecond % 1_000_000 == 0 { return "\(bitsPerSecond / 1_000_000)mbps" }
        if bitsPerSecond % 1000 == 0 { return "\(bitsPerSecond / 1000)kbps" }
        return "\(bitsPerSecond)bps"
    }

    /// Parses `500kbps`, `2mbps`, `64000bps` (1 kbps = 1000 bps); nil otherwise.
    public static func parse(_ text: String) -> Bitrate? {
        let lower = text.lowercased()
        for (suffix, scale) in [("kbps", Int64(1000)), ("mbps", 1_000_000), ("bps", 1)] where lower.hasSuffix(suffix) {
            let number = lower.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), number.count <= 12, let value = Int64(number) else { return nil }
            return Bitrate(bitsPerSecond: value * scale)
        }
        return nil
    }
}

/// A byte count (`1500`, `1500B`, `16KB`, `1MB`; 1 KB = 1000 B).
public struct ByteCount: Sendable, Hashable, CustomStringConvertible {
    /// Bytes.
    public var bytes: Int
    /// A count.
    public init(_ bytes: Int) { self.bytes = bytes }
    /// `N` bytes followed by `B`.
    public var description: String { "\(bytes)B" }

    /// Parses a plain integer or one with `B`, `KB`, `MB`; nil otherwise.
    public static func parse(_ text: String) -> ByteCount? {
        let upper = text.uppercased()
        var number = Substring(upper)
        var scale = 1
        for (suffix, value) in [("KB", 1000), ("MB", 1_000_000), ("B", 1)] where upper.hasSuffix(suffix) {
            number = upper.dropLast(suffix.count)
            scale = value
            break
        }
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), number.count <= 12, let value = Int(number) else { return nil }
        return ByteCount(value * scale)
    }
}

/// A WebSocket close code a server may send (RFC 6455 §7.4): 1000–1003, 1007–1014 or 3000–4999.
/// 1004 is reserved; 1005, 1006 and 1015 must never appear in a close frame.
public struct CloseCode: Sendable, Hashable, CustomStringConvertible {
    /// The code.
    public var rawValue: UInt16
    /// A code (the loader checks it with `isSendable`).
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    /// 1000, normal closure.
    public static let normal = CloseCode(1000)
    /// 1006, what a client reports when the connection drops without a close frame (never sent).
    public static let abnormal = CloseCode(1006)

    /// Whether a server may put this code in a close frame.
    public static func isSendable(_ code: Int) -> Bool {
        (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code)
    }

    /// The number.
    public var description: String { String(rawValue) }
}
