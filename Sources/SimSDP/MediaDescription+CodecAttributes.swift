extension MediaDescription {
    /// This section's `a=rtpmap`, `a=fmtp` and `a=rtcp-fb` lines for the `kept` payload types, in its order: one
    /// `rtpmap` and one `fmtp` per payload type, feedback limited to `feedback` ids (wildcard lines kept), repeated
    /// feedback lines written once when `dedupeFeedback`. Shared by the answer and offer builders.
    func codecAttributes(keeping kept: Set<PayloadType>, feedback allowed: Set<String>, dedupeFeedback: Bool) -> [SDPAttribute] {
        var attributes: [SDPAttribute] = []
        var mapped = Set<PayloadType>()
        var parameterized = Set<PayloadType>()
        var feedbackWritten = Set<RTCPFeedback>()
        for attribute in self.attributes {
            guard let value = attribute.value else { continue }
            switch attribute.name {
            case "rtpmap":
                if let map = RTPMap(attributeValue: value), kept.contains(map.payloadType), mapped.insert(map.payloadType).inserted {
                    attributes.append(SDPAttribute("rtpmap", map.attributeValue))
                }
            case "fmtp":
                if let parameters = FormatParameters(attributeValue: value), kept.contains(parameters.payloadType),
                   parameterized.insert(parameters.payloadType).inserted {
                    attributes.append(SDPAttribute("fmtp", parameters.attributeValue))
                }
            case "rtcp-fb":
                if let feedback = RTCPFeedback(attributeValue: value), feedback.payloadType.map(kept.contains) ?? true,
                   allowed.contains(feedback.feedbackID), !dedupeFeedback || feedbackWritten.insert(feedback).inserted {
                    attributes.append(SDPAttribute("rtcp-fb", feedback.attributeValue))
                }
            default:
                continue
            }
        }
        return attributes
    }
}
