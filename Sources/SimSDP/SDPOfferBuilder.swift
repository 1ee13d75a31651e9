/// Builds the offer the server sends on a dual-PC subscriber connection (reference §3.2, §3.5; JSEP RFC 8829
/// §5.2): one BUNDLE transport over every section, rtcp-mux, `a=setup:actpass`, trickled candidates.
///
/// A track section is `sendonly` with `a=msid:<stream> <track>` and `a=ssrc` cname/msid lines; its codecs are
/// the publisher's (same payload types, `rtpmap`s and `fmtp`s) for the codecs we forward — see
/// ``forwardedPayloadTypes(in:)``. An inactive section offers one default codec. No `a=extmap` is written: the
/// forwarder blanks header extensions. No RTX, FEC or `transport-cc` is offered: NACKs are answered by resending
/// on the primary SSRC, and the streams we send are not TWCC-capable.
///
/// The builder is pure: the same configuration and sections give the same text.
public struct SDPOfferBuilder: Hashable, Sendable {
    /// Our side of the offer.
    public var configuration: SDPOfferConfiguration

    /// Makes a builder.
    public init(configuration: SDPOfferConfiguration) {
        self.configuration = configuration
    }

    /// Builds an offer with `sections`, in order.
    ///
    /// - Throws: ``SDPOfferError`` when there are no sections, a mid is invalid or repeated, a kind is not audio or
    ///   video or differs from its template, a template has no forwardable codec, an msid is not a token, an SSRC
    ///   repeats, or the ICE credentials are malformed.
    public func offer(sections: [SDPOfferSection]) throws(SDPOfferError) -> SDPOffer {
        guard !sections.isEmpty else { throw .noSections }
        guard configuration.iceUfrag.isICEChars(lengths: Self.iceUfragLengths),
              configuration.icePwd.isICEChars(lengths: Self.icePwdLengths)
        else { throw .invalidICECredentials }
        try Self.validate(sections)

        var media: [MediaDescription] = []
        var summaries: [OfferedSection] = []
        for section in sections {
            let (description, summary) = try offerSection(section)
            media.append(description)
            summaries.append(summary)
        }

        let bundle = SDPGroup(semantics: SDPGroup.bundleSemantics, mids: sections.map(\.mid))
        let attributes = [
            SDPAttribute("group", bundle.attributeValue),
            // RFC 8285 §6: we accept one- and two-byte header extensions mixed in one stream.
            SDPAttribute("extmap-allow-mixed"),
            // RFC 8830 §3 (as libwebrtc writes it): the WMS semantic with no stream list.
            SDPAttribute("msid-semantic", " WMS"),
        ]
        let description = SessionDescription(
            origin: SDPOrigin(
                sessionID: String(configuration.sessionID),
                sessionVersion: String(configuration.sessionVersion)
            ),
            attributes: attributes,
            media: media
        )
        return SDPOffer(sessionDescription: description, sections: summaries)
    }

    /// RFC 8839 §5.4: `ice-ufrag` is 4 to 256 ice-chars.
    static let iceUfragLengths = 4...256
    /// RFC 8839 §5.4: `ice-pwd` is 22 to 256 ice-chars.
    static let icePwdLengths = 22...256

    /// Checks what can be checked across sections: mids, kinds, msids and SSRCs.
    private static func validate(_ sections: [SDPOfferSection]) throws(SDPOfferError) {
        var mids = Set<MediaID>()
        var ssrcs = Set<UInt32>()
        for section in sections {
            let mid = section.mid
            guard mid.rawValue.isSDPToken else { throw .invalidMID(mid) }
            guard mids.insert(mid).inserted else { throw .duplicateMID(mid) }
            if case .dataChannels = section { continue }
            guard section.kind.isRTP else { throw .unsupportedKind(mid, section.kind) }
            guard case .track(_, let kind, let template, let track) = section else { continue }
            guard template.kind == kind else {
                throw .templateKindMismatch(mid, section: kind, template: template.kind)
            }
            guard track.streamID.isSDPToken, track.trackID.isSDPToken else { throw .invalidMSID(mid) }
            guard ssrcs.insert(track.ssrc).inserted else { throw .duplicateSSRC(track.ssrc) }
        }
    }
}
