/// A certificate's SHA-256 fingerprint, as SDP carries it in `a=fingerprint:sha-256 AB:CD:…` (RFC 8122 §5).
public struct DTLSFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The SDP hash function name; always `sha-256` here.
    public static let algorithm = "sha-256"

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 digest bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses colon-separated hex (either case), e.g. `"AB:CD:…"`; `nil` unless it is 32 well-formed bytes.
    public init?(sdpValue: some StringProtocol) {
        let parts = sdpValue.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// Upper-case colon-separated hex, the form of SDP `a=fingerprint:sha-256 <value>`.
    public var sdpValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `sha-256 <sdpValue>`.
    public var description: String { "\(Self.algorithm) \(sdpValue)" }
}
