/// An `a=ssrc-group` value (RFC 5576 §4.2): `<semantics> <ssrc>…`, such as `FID 1111 2222` (media and its RTX
/// stream, RFC 4588) or `SIM 1 2 3` (libwebrtc's legacy simulcast).
public struct SSRCGroup: Hashable, Sendable {
    /// The semantics of RTX pairing: media SSRC first, repair SSRC second.
    public static let fidSemantics = "FID"
    /// The semantics of libwebrtc's legacy SSRC simulcast, lowest layer first.
    public static let simulcastSemantics = "SIM"

    /// The semantics token.
    public var semantics: String
    /// The grouped SSRCs, in order.
    public var ssrcs: [UInt32]

    /// Makes a group from its parts.
    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    /// Parses an attribute value; nil when the semantics is missing or an SSRC is malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard let semantics = fields.first else { return nil }
        var ssrcs: [UInt32] = []
        for field in fields.dropFirst() {
            guard let ssrc = field.sdpNumber(UInt32.self) else { return nil }
            ssrcs.append(ssrc)
        }
        self.init(semantics: String(semantics), ssrcs: ssrcs)
    }

    /// The attribute value.
    public var attributeValue: String {
        ([semantics] + ssrcs.map(String.init)).joined(separator: " ")
    }
}
