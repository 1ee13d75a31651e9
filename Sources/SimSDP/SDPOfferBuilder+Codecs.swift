/// Codec selection for offered sections: which of the publisher's payload types a track section keeps, and the
/// default codec of an inactive section.
extension SDPOfferBuilder {
    /// The media codecs we forward, by lower-cased encoding name, with the clock rate they must have
    /// (RFC 7587 §7 for Opus; 90 kHz for every RTP video format).
    static let forwardedCodecs: [MediaKind: [String: UInt32]] = [
        .audio: ["opus": 48_000],
        .video: ["vp8": 90_000, "h264": 90_000, "vp9": 90_000, "av1": 90_000],
    ]
    /// The RTCP feedback offered, as `type` or `type parameter`; `transport-cc` is left out because the streams
    /// we forward do not carry transport-wide sequence numbers.
    static let offeredRTCPFeedback: Set<String> = ["nack", "nack pli", "ccm fir", "goog-remb"]
    /// The encoding name of audio redundancy (RFC 2198).
    static let redName = "red"

    /// The default codec of an inactive audio section (reference §7: LiveKit's Opus registration).
    static let placeholderAudioCodec = RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48_000, channels: 2)
    /// The `a=fmtp` parameters of ``placeholderAudioCodec``.
    static let placeholderAudioParameters = "minptime=10;useinbandfec=1"
    /// The default codec of an inactive video section (reference §7: LiveKit's VP8 registration).
    static let placeholderVideoCodec = RTPMap(payloadType: 96, encodingName: "VP8", clockRate: 90_000)
    /// The RTCP feedback of ``placeholderVideoCodec``, in the order written.
    static let placeholderVideoFeedback: [(type: String, parameter: String?)] = [
        ("nack", nil), ("nack", "pli"), ("ccm", "fir"),
    ]

    /// The payload types of `template` that a track section offers, in the template's m-line order (each once).
    ///
    /// A payload type is kept when its first `a=rtpmap` names a codec we forward for the section's kind with the
    /// right clock rate. Every H.264 profile is kept. Audio RED is kept when its `a=fmtp` (RFC 2198 §5: `111/111`)
    /// lists only kept payload types; RED without that `fmtp`, video RED, RTX, FEC, comfort noise, DTMF and
    /// unknown codecs are dropped.
    public static func forwardedPayloadTypes(in template: MediaDescription) -> [PayloadType] {
        let (maps, parameters) = firstCodecLines(of: template)
        var seen = Set<PayloadType>()
        let listed = template.payloadTypes.filter { maps[$0] != nil && seen.insert($0).inserted }
        let supported = forwardedCodecs[template.kind] ?? [:]

        var kept = Set<PayloadType>()
        for payloadType in listed {
            guard let map = maps[payloadType], supported[map.normalizedName] == map.clockRate else { continue }
            kept.insert(payloadType)
        }
        if template.kind == .audio {
            let red = listed.filter { payloadType in
                guard maps[payloadType]?.normalizedName == redName,
                      let carried = parameters[payloadType]?.redundantPayloadTypes
                else { return false }
                return carried.allSatisfy(kept.contains)
            }
            kept.formUnion(red)
        }
        return listed.filter(kept.contains)
    }

    /// The first `a=rtpmap` and the first `a=fmtp` of each payload type in `media`.
    private static func firstCodecLines(
        of media: MediaDescription
    ) -> (maps: [PayloadType: RTPMap], parameters: [PayloadType: FormatParameters]) {
        var maps: [PayloadType: RTPMap] = [:]
        var parameters: [PayloadType: FormatParameters] = [:]
        for attribute in media.attributes {
            guard let value = attribute.value else { continue }
            if attribute.name == "rtpmap", let map = RTPMap(attributeValue: value), maps[map.payloadType] == nil {
                maps[map.payloadType] = map
            } else if attribute.name == "fmtp", let fmtp = FormatParameters(attributeValue: value),
                      parameters[fmtp.payloadType] == nil {
                parameters[fmtp.payloadType] = fmtp
            }
        }
        return (maps, parameters)
    }

    /// The template's `a=rtpmap`, `a=rtcp-fb` and `a=fmtp` lines for `kept`, in the template's order: one `rtpmap`
    /// and one `fmtp` per payload type, feedback limited to ``offeredRTCPFeedback`` (wildcard lines kept as `*`),
    /// repeated feedback lines written once.
    static func codecAttributes(_ template: MediaDescription, keeping kept: Set<PayloadType>) -> [SDPAttribute] {
        template.codecAttributes(keeping: kept, feedback: offeredRTCPFeedback, dedupeFeedback: true)
    }

    /// The codec lines of an inactive section of `kind` (audio or video).
    static func placeholderCodec(for kind: MediaKind) -> (map: RTPMap, attributes: [SDPAttribute]) {
        if kind == .audio {
            let map = placeholderAudioCodec
            let fmtp = FormatParameters(payloadType: map.payloadType, parameters: placeholderAudioParameters)
            return (map, [SDPAttribute("rtpmap", map.attributeValue), SDPAttribute("fmtp", fmtp.attributeValue)])
        }
        let map = placeholderVideoCodec
        var attributes = [SDPAttribute("rtpmap", map.attributeValue)]
        for (type, parameter) in placeholderVideoFeedback {
            let feedback = RTCPFeedback(payloadType: map.payloadType, type: type, parameter: parameter)
            attributes.append(SDPAttribute("rtcp-fb", feedback.attributeValue))
        }
        return (map, attributes)
    }
}
