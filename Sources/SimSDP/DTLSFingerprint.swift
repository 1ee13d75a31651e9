/// An `a=fingerprint` value (RFC 8122 §5): the hash of the author's DTLS certificate, such as
/// `sha-256 A5:6D:…:91`.
public struct DTLSFingerprint: Hashable, Sendable {
    /// The hash function name as written, such as `sha-256`.
    public var algorithm: String
    /// The hash as colon-separated upper-case hex pairs, kept as written.
    public var value: String

    /// Makes a fingerprint from its parts.
    public init(algorithm: String, value: String) {
        self.algorithm = algorithm
        self.value = value
    }

    /// Parses an attribute value; nil unless it is exactly two space-separated fields.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard fields.count == 2 else { return nil }
        self.init(algorithm: String(fields[0]), value: String(fields[1]))
    }

    /// The attribute value.
    public var attributeValue: String { "\(algorithm) \(value)" }
}
