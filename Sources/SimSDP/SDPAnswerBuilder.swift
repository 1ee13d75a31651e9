/// Builds the answer to a remote WebRTC offer (RFC 3264 §6, JSEP RFC 8829 §5.3) as the LiveKit server does on
/// the publisher connection: same sections in the same order with the same mids, one BUNDLE transport,
/// rtcp-mux, the offer's payload types for the codecs we support.
///
/// Directions: offered `sendonly` or `sendrecv` → `recvonly`; `recvonly` → `inactive`, or `sendonly` when the
/// caller attaches an ``OutgoingTrack`` to that mid (`sendrecv` for an offered `sendrecv`); `inactive` →
/// `inactive`. Offered simulcast (`a=rid:… send`, `a=simulcast:send …`) is answered with `a=rid:… recv` and
/// `a=simulcast:recv …`. `m=application` is rejected (port 0) unless data channels are accepted, and a section
/// with no codec left is rejected too. Rejected sections keep their mid and leave the BUNDLE group.
///
/// The builder is pure: the same offer, configuration and tracks give the same answer.
public struct SDPAnswerBuilder: Hashable, Sendable {
    /// Our side of the answer.
    public var configuration: SDPAnswerConfiguration

    /// Makes a builder.
    public init(configuration: SDPAnswerConfiguration) {
        self.configuration = configuration
    }

    /// Answers `offer`, sending `outgoingTracks` (keyed by mid) in the sections where the offerer receives.
    ///
    /// - Throws: ``SDPAnswerError`` when a section lacks a mid, mids repeat, the offer asks for `holdconn`, or an
    ///   outgoing track names an unknown mid or a section in which the offerer does not receive.
    public func answer(
        to offer: SessionDescription,
        outgoingTracks: [MediaID: OutgoingTrack] = [:]
    ) throws(SDPAnswerError) -> SDPAnswer {
        let mids = try Self.validatedMIDs(of: offer)
        for mid in outgoingTracks.keys.sorted() where !mids.contains(mid) {
            throw .unknownOutgoingMID(mid)
        }

        var media: [MediaDescription] = []
        var summaries: [AnsweredSection] = []
        for (offered, mid) in zip(offer.media, mids) {
            let track = outgoingTracks[mid]
            if track != nil, !offered.direction.receives {
                throw .outgoingTrackOnNonReceivingSection(mid, offered: offered.direction)
            }
            let (section, summary) = try answerSection(offered, mid: mid, in: offer, track: track)
            media.append(section)
            summaries.append(summary)
        }

        let accepted = Set(summaries.filter(\.accepted).map(\.mid))
        var attributes: [SDPAttribute] = []
        if configuration.iceLite { attributes.append(SDPAttribute("ice-lite")) }
        for group in offer.groups where group.semantics == SDPGroup.bundleSemantics {
            // RFC 8843 §7.3: the answer's BUNDLE group holds the accepted sections of the offered group.
            let kept = group.mids.filter(accepted.contains)
            if !kept.isEmpty {
                let answered = SDPGroup(semantics: group.semantics, mids: kept)
                attributes.append(SDPAttribute("group", answered.attributeValue))
            }
        }
        if offer.extmapAllowMixed { attributes.append(SDPAttribute("extmap-allow-mixed")) }
        // RFC 8830 §3 (as libwebrtc writes it): the WMS semantic with no stream list.
        attributes.append(SDPAttribute("msid-semantic", " WMS"))

        let description = SessionDescription(
            origin: SDPOrigin(
                sessionID: String(configuration.sessionID),
                sessionVersion: String(configuration.sessionVersion)
            ),
            attributes: attributes,
            media: media
        )
        return SDPAnswer(sessionDescription: description, sections: summaries)
    }

    /// The mid of every offered section, in order.
    private static func validatedMIDs(of offer: SessionDescription) throws(SDPAnswerError) -> [MediaID] {
        var mids: [MediaID] = []
        var seen = Set<MediaID>()
        for (index, section) in offer.media.enumerated() {
            guard let mid = section.mid else { throw .missingMID(sectionIndex: index) }
            guard seen.insert(mid).inserted else { throw .duplicateMID(mid) }
            mids.append(mid)
        }
        return mids
    }

    /// Our `a=setup` for a section, given the offer's (RFC 5763 §5, RFC 4145 §4).
    func answerSetupRole(
        for offered: MediaDescription, mid: MediaID, in offer: SessionDescription
    ) throws(SDPAnswerError) -> DTLSSetupRole {
        switch offer.setup(for: offered) {
        case .actpass: configuration.setupRole.dtlsRole
        // RFC 4145 §4: an absent attribute means the offerer is active.
        case .active, nil: .passive
        case .passive: .active
        case .holdconn: throw .unsupportedSetupRole(mid, .holdconn)
        }
    }
}
