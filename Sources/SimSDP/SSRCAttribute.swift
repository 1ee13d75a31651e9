/// An `a=ssrc` value (RFC 5576 §4.1): `<ssrc> <attribute>[:<value>]`, such as `1234 cname:abc` or
/// `1234 msid:stream track`.
public struct SSRCAttribute: Hashable, Sendable {
    /// The synchronization source the attribute describes.
    public var ssrc: UInt32
    /// The source attribute name, such as `cname` or `msid`.
    public var name: String
    /// The source attribute value, if any.
    public var value: String?

    /// Makes a source attribute from its parts.
    public init(ssrc: UInt32, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }

    /// Parses an attribute value; nil when the SSRC or the name is malformed.
    public init?(attributeValue: String) {
        let (head, rest) = attributeValue.sdpSplit(once: " ")
        guard let ssrc = head.sdpNumber(UInt32.self), let rest else { return nil }
        let (name, value) = rest.sdpSplit(once: ":")
        guard !name.isEmpty else { return nil }
        self.init(ssrc: ssrc, name: String(name), value: value.map(String.init))
    }

    /// The attribute value.
    public var attributeValue: String {
        guard let value else { return "\(ssrc) \(name)" }
        return "\(ssrc) \(name):\(value)"
    }
}
