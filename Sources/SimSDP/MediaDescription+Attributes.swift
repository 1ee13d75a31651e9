/// Typed views of a media section's attributes. Values that do not parse are skipped (or read as nil), never
/// thrown: peer input that is odd in one attribute should not fail the whole description.
extension MediaDescription {
    /// The `a=mid` value (RFC 5888).
    public var mid: MediaID? { attributes.values(named: "mid").first.map(MediaID.init) }

    /// The section's direction: the last direction attribute present, `sendrecv` when there is none
    /// (RFC 8866 §6.7). Session-level directions are not consulted.
    public var direction: MediaDirection {
        attributes.last { $0.value == nil && MediaDirection(rawValue: $0.name) != nil }
            .flatMap { MediaDirection(rawValue: $0.name) } ?? .sendrecv
    }

    /// The `a=msid` value (RFC 8830), falling back to the first `a=ssrc:<ssrc> msid:` source attribute
    /// (RFC 5576, older libwebrtc and Safari).
    public var msid: MSID? {
        if let value = attributes.values(named: "msid").first { return MSID(attributeValue: value) }
        return ssrcAttributes.first { $0.name == "msid" }?.value.flatMap(MSID.init(attributeValue:))
    }

    /// The `a=ice-ufrag` value (RFC 8839 §5.4).
    public var iceUfrag: String? { attributes.values(named: "ice-ufrag").first }

    /// The `a=ice-pwd` value (RFC 8839 §5.4).
    public var icePwd: String? { attributes.values(named: "ice-pwd").first }

    /// The `a=ice-options` tokens, such as `trickle` (RFC 8839 §5.6).
    public var iceOptions: [String] {
        attributes.values(named: "ice-options").flatMap { $0.sdpTokens.map(String.init) }
    }

    /// Every `a=fingerprint` value (RFC 8122 allows several, one per certificate hash).
    public var fingerprints: [DTLSFingerprint] {
        attributes.values(named: "fingerprint").compactMap(DTLSFingerprint.init(attributeValue:))
    }

    /// The first `a=fingerprint` value.
    public var fingerprint: DTLSFingerprint? { fingerprints.first }

    /// The `a=setup` role (RFC 4145).
    public var setup: DTLSSetupRole? {
        attributes.values(named: "setup").first.flatMap(DTLSSetupRole.init(rawValue:))
    }

    /// Whether `a=rtcp-mux` is present (RFC 5761).
    public var rtcpMux: Bool { attributes.contains(named: "rtcp-mux") }

    /// Whether `a=rtcp-rsize` is present (RFC 5506).
    public var rtcpReducedSize: Bool { attributes.contains(named: "rtcp-rsize") }

    /// Whether `a=extmap-allow-mixed` is present at media level (RFC 8285 §6).
    public var extmapAllowMixed: Bool { attributes.contains(named: "extmap-allow-mixed") }

    /// Every valid `a=rtpmap`, in order.
    public var rtpMaps: [RTPMap] { attributes.values(named: "rtpmap").compactMap(RTPMap.init(attributeValue:)) }

    /// The first `a=rtpmap` for `payloadType`.
    public func rtpMap(for payloadType: PayloadType) -> RTPMap? {
        rtpMaps.first { $0.payloadType == payloadType }
    }

    /// Every valid `a=fmtp`, in order.
    public var formatParameters: [FormatParameters] {
        attributes.values(named: "fmtp").compactMap(FormatParameters.init(attributeValue:))
    }

    /// The first `a=fmtp` for `payloadType`.
    public func fmtp(for payloadType: PayloadType) -> FormatParameters? {
        formatParameters.first { $0.payloadType == payloadType }
    }

    /// Every valid `a=rtcp-fb`, in order.
    public var rtcpFeedback: [RTCPFeedback] {
        attributes.values(named: "rtcp-fb").compactMap(RTCPFeedback.init(attributeValue:))
    }

    /// The feedback that applies to `payloadType`: its own `a=rtcp-fb` lines and the wildcard (`*`) ones.
    public func rtcpFeedback(for payloadType: PayloadType) -> [RTCPFeedback] {
        rtcpFeedback.filter { $0.payloadType == payloadType || $0.payloadType == nil }
    }

    /// Every valid `a=extmap`, in order.
    public var extMaps: [ExtMap] { attributes.values(named: "extmap").compactMap(ExtMap.init(attributeValue:)) }

    /// Every valid `a=ssrc` source attribute, in order.
    public var ssrcAttributes: [SSRCAttribute] {
        attributes.values(named: "ssrc").compactMap(SSRCAttribute.init(attributeValue:))
    }

    /// The distinct SSRCs named by `a=ssrc` lines, in order of first appearance.
    public var ssrcs: [UInt32] {
        var seen = Set<UInt32>()
        return ssrcAttributes.compactMap { seen.insert($0.ssrc).inserted ? $0.ssrc : nil }
    }

    /// Every valid `a=ssrc-group`, in order.
    public var ssrcGroups: [SSRCGroup] {
        attributes.values(named: "ssrc-group").compactMap(SSRCGroup.init(attributeValue:))
    }

    /// Every valid `a=rid`, in order.
    public var rids: [RIDDescription] {
        attributes.values(named: "rid").compactMap(RIDDescription.init(attributeValue:))
    }

    /// The `a=simulcast` value, if present and valid.
    public var simulcast: SimulcastDescription? {
        attributes.values(named: "simulcast").first.flatMap(SimulcastDescription.init(attributeValue:))
    }

    /// The raw `a=candidate` values (RFC 8839 §5.1), in order.
    public var candidates: [String] { attributes.values(named: "candidate") }

    /// The `a=sctp-port` value (RFC 8841 §5).
    public var sctpPort: Int? { attributes.values(named: "sctp-port").first?.sdpNumber(Int.self) }

    /// The `a=max-message-size` value in bytes (RFC 8841 §6).
    public var maxMessageSize: Int? { attributes.values(named: "max-message-size").first?.sdpNumber(Int.self) }

    /// The first codec that carries media, skipping RTX, RED, FEC, comfort noise and DTMF, in format order.
    ///
    /// This is what LiveKit reports as a published track's MIME type.
    public var primaryCodec: RTPMap? {
        let maps = rtpMaps
        for payloadType in payloadTypes {
            guard let map = maps.first(where: { $0.payloadType == payloadType }) else { continue }
            if !Self.auxiliaryCodecNames.contains(map.normalizedName) { return map }
        }
        return nil
    }

    /// Lower-cased names of formats that do not carry media on their own.
    static let auxiliaryCodecNames: Set<String> = ["rtx", "red", "ulpfec", "flexfec-03", "cn", "telephone-event"]
}
