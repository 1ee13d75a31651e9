/// An `a=fmtp` value (RFC 8866 §6.15): a payload type and its format-specific parameters, such as
/// `111 minptime=10;useinbandfec=1` or, for RED (RFC 2198 §5), `63 111/111`.
public struct FormatParameters: Hashable, Sendable {
    /// The payload type the parameters are for.
    public var payloadType: PayloadType
    /// The parameter text after the payload type, kept as written.
    public var parameters: String

    /// Makes format parameters from their parts.
    public init(payloadType: PayloadType, parameters: String) {
        self.payloadType = payloadType
        self.parameters = parameters
    }

    /// Parses an attribute value; nil when the payload type is malformed.
    public init?(attributeValue: String) {
        let (head, tail) = attributeValue.sdpSplit(once: " ")
        guard let payloadType = PayloadType(token: head) else { return nil }
        self.init(payloadType: payloadType, parameters: String(tail ?? ""))
    }

    /// The attribute value.
    public var attributeValue: String { "\(payloadType) \(parameters)" }

    /// The `key=value` pairs of a `;`-separated parameter list, keys as written, spaces trimmed.
    public var keyValuePairs: [(key: String, value: String)] {
        parameters.split(separator: ";").compactMap { pair in
            let (key, value) = pair.sdpSplit(once: "=")
            let trimmedKey = key.sdpTrimmed
            guard !trimmedKey.isEmpty, let value else { return nil }
            return (String(trimmedKey), String(value.sdpTrimmed))
        }
    }

    /// The value of parameter `key` (compared case-insensitively, as RFC 6838 media type parameters are).
    public func value(for key: String) -> String? {
        let wanted = key.lowercased()
        return keyValuePairs.first { $0.key.lowercased() == wanted }?.value
    }

    /// The `apt` payload type of an RTX format (RFC 4588 §8.6), if present and valid.
    public var associatedPayloadType: PayloadType? {
        value(for: "apt").flatMap { PayloadType(token: $0) }
    }

    /// The payload types a RED format carries (RFC 2198 §5: `111/111`), or nil when the text is not that form.
    public var redundantPayloadTypes: [PayloadType]? {
        let parts = parameters.sdpTrimmed.split(separator: "/", omittingEmptySubsequences: false)
        let types = parts.compactMap { PayloadType(token: $0) }
        guard !types.isEmpty, types.count == parts.count else { return nil }
        return types
    }
}
