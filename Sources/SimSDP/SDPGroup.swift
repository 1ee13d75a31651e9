/// An `a=group` value (RFC 5888 §5), such as `BUNDLE 0 1 2` (RFC 8843).
public struct SDPGroup: Hashable, Sendable {
    /// The semantics token of BUNDLE groups.
    public static let bundleSemantics = "BUNDLE"

    /// The semantics token: `BUNDLE`, `LS`, `FID`…
    public var semantics: String
    /// The grouped sections, in the order written.
    public var mids: [MediaID]

    /// Makes a group from its parts.
    public init(semantics: String, mids: [MediaID]) {
        self.semantics = semantics
        self.mids = mids
    }

    /// Parses an attribute value; nil when it is empty.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard let semantics = fields.first else { return nil }
        self.init(semantics: String(semantics), mids: fields.dropFirst().map { MediaID(String($0)) })
    }

    /// The attribute value.
    public var attributeValue: String {
        ([semantics] + mids.map(\.rawValue)).joined(separator: " ")
    }
}
