/// A `b=` line: `<bwtype>:<bandwidth>` (RFC 8866 §5.8), such as `AS:2500` (kilobits per second) or
/// `TIAS:2500000` (bits per second, RFC 3890).
public struct SDPBandwidth: Hashable, Sendable {
    /// The bandwidth type: `AS`, `CT`, `TIAS` or an extension.
    public var type: String
    /// The value, in the unit the type defines.
    public var value: UInt64

    /// Makes a bandwidth line from its parts.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    /// Parses the text after `b=`; nil unless it is a non-empty type, `:`, and a decimal number.
    init?(lineValue: String) {
        let (type, number) = lineValue.sdpSplit(once: ":")
        guard !type.isEmpty, let value = number?.sdpNumber(UInt64.self) else { return nil }
        self.init(type: String(type), value: value)
    }

    /// The text after `b=`.
    public var lineValue: String { "\(type):\(value)" }
}
