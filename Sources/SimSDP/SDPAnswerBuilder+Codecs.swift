/// Codec negotiation: which offered payload types an answer keeps, and their attribute lines.
extension SDPAnswerBuilder {
    /// The clock rates codecs must have to be kept (RFC 7587 §7 for Opus; 90 kHz for every video codec).
    static let requiredAudioClockRates: [String: UInt32] = ["opus": 48_000]
    /// The clock rate of every RTP video payload format we accept.
    static let videoClockRate: UInt32 = 90_000

    /// The offered payload types we keep, in the offer's order (RFC 3264 §6.1: the answer uses the offer's
    /// payload type numbers).
    ///
    /// Media codecs are kept when their name is in the configuration for the section's kind and their clock rate
    /// is right; audio RED when its `a=fmtp` lists only kept payload types; RTX when its `apt` is kept.
    func negotiatedPayloadTypes(_ media: MediaDescription) -> [PayloadType] {
        // One pass over the attributes; the first rtpmap/fmtp of a payload type wins.
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
        var seen = Set<PayloadType>()
        let offered = media.payloadTypes.filter { maps[$0] != nil && seen.insert($0).inserted }

        let supported: Set<String>
        switch media.kind {
        case .audio: supported = Set(configuration.audioCodecs.map { $0.lowercased() })
        case .video: supported = Set(configuration.videoCodecs.map { $0.lowercased() })
        case .application, .other: return []
        }

        var kept = Set<PayloadType>()
        for payloadType in offered {
            guard let map = maps[payloadType], supported.contains(map.normalizedName),
                  Self.hasRequiredClockRate(map, kind: media.kind)
            else { continue }
            kept.insert(payloadType)
        }
        if media.kind == .audio, configuration.acceptsRED {
            let red = offered.filter { payloadType in
                guard maps[payloadType]?.normalizedName == "red",
                      let carried = parameters[payloadType]?.redundantPayloadTypes
                else { return false }
                return carried.allSatisfy(kept.contains)
            }
            kept.formUnion(red)
        }
        if configuration.acceptsRTX {
            let rtx = offered.filter { payloadType in
                guard maps[payloadType]?.normalizedName == "rtx",
                      let apt = parameters[payloadType]?.associatedPayloadType
                else { return false }
                return kept.contains(apt)
            }
            kept.formUnion(rtx)
        }
        return offered.filter(kept.contains)
    }

    /// The offer's `a=rtpmap`, `a=rtcp-fb` and `a=fmtp` lines for kept payload types, in the offer's order;
    /// feedback limited to the configured set, one `rtpmap` and one `fmtp` per payload type.
    func codecAttributes(_ media: MediaDescription, keeping kept: Set<PayloadType>) -> [SDPAttribute] {
        media.codecAttributes(keeping: kept, feedback: configuration.rtcpFeedback, dedupeFeedback: false)
    }

    private static func hasRequiredClockRate(_ map: RTPMap, kind: MediaKind) -> Bool {
        switch kind {
        case .video: map.clockRate == videoClockRate
        case .audio: requiredAudioClockRates[map.normalizedName].map { $0 == map.clockRate } ?? true
        case .application, .other: false
        }
    }
}
