/// An `a=rtcp-fb` value (RFC 4585 §4.2): `<payload type or *> <type> [<parameter>]`, such as `96 nack pli`.
public struct RTCPFeedback: Hashable, Sendable {
    /// The payload type the feedback applies to; nil for the wildcard `*`.
    public var payloadType: PayloadType?
    /// The feedback type: `nack`, `ccm`, `goog-remb`, `transport-cc`…
    public var type: String
    /// The rest of the line, such as `pli` or `fir`, if any.
    public var parameter: String?

    /// Makes a feedback entry from its parts.
    public init(payloadType: PayloadType?, type: String, parameter: String? = nil) {
        self.payloadType = payloadType
        self.type = type
        self.parameter = parameter
    }

    /// Parses an attribute value; nil when the payload type or the type is missing or malformed.
    public init?(attributeValue: String) {
        let (head, rest) = attributeValue.sdpSplit(once: " ")
        var payloadType: PayloadType?
        if head != "*" {
            guard let parsed = PayloadType(token: head) else { return nil }
            payloadType = parsed
        }
        guard let rest else { return nil }
        let (type, parameter) = rest.sdpTrimmed.sdpSplit(once: " ")
        guard !type.isEmpty else { return nil }
        let trimmedParameter = parameter.map { String($0.sdpTrimmed) }
        self.init(
            payloadType: payloadType,
            type: String(type),
            parameter: trimmedParameter?.isEmpty == false ? trimmedParameter : nil
        )
    }

    /// The feedback as one string, `type` or `type parameter` (`nack pli`), for matching against a supported set.
    public var feedbackID: String {
        guard let parameter else { return type }
        return "\(type) \(parameter)"
    }

    /// The attribute value.
    public var attributeValue: String {
        "\(payloadType.map(\.description) ?? "*") \(feedbackID)"
    }
}
