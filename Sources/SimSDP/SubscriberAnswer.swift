/// A client's answer to our subscriber offer (``SDPOfferBuilder``), checked against that offer: per-section
/// outcome and codecs, and the remote side of the one BUNDLE transport.
///
/// The transport values come from the answer's BUNDLE-tag section (RFC 8843 §7.3.1: the first mid of its BUNDLE
/// group; we take the first that names an accepted section), media-level first, session-level as fallback.
/// Reading never traps on peer input; every problem is a ``SubscriberAnswerError``.
public struct SubscriberAnswer: Hashable, Sendable {
    /// One summary per section, in offer order.
    public var sections: [SubscriberAnswerSection]
    /// The mid whose transport attributes were read.
    public var transportMID: MediaID
    /// The remote ICE username fragment.
    public var iceUfrag: String
    /// The remote ICE password.
    public var icePwd: String
    /// The remote DTLS certificate fingerprint (the first one when several are given).
    public var fingerprint: DTLSFingerprint
    /// The answer's `a=setup`: `active` (it is the DTLS client, we serve) or `passive` (we are the client).
    public var remoteSetupRole: DTLSSetupRole
    /// The raw `a=candidate` values of the accepted sections, in order, each once (empty when trickled).
    public var candidates: [String]
    /// The answer's `a=sctp-port` when it accepted a data-channel section (5000 when it gave none), else nil.
    public var sctpPort: UInt16?

    /// Whether we start the DTLS handshake: true when the answer says `passive` (RFC 4145 §4).
    public var weAreDTLSClient: Bool { remoteSetupRole == .passive }

    /// The summary for `mid`.
    public func section(_ mid: MediaID) -> SubscriberAnswerSection? {
        sections.first { $0.mid == mid }
    }

    /// Reads `answer` as the answer to `offer`.
    ///
    /// - Throws: ``SubscriberAnswerError`` when the answer's mids or kinds differ from the offer's, no section is
    ///   accepted, an accepted section is not bundled, or the transport section lacks ICE credentials, a
    ///   fingerprint, or an `active`/`passive` setup role.
    public init(answer: SessionDescription, offer: SessionDescription) throws(SubscriberAnswerError) {
        let offeredMIDs = offer.media.map(\.mid)
        let answeredMIDs = answer.media.map(\.mid)
        guard offeredMIDs == answeredMIDs else { throw .midsDiffer(offered: offeredMIDs, answered: answeredMIDs) }

        var sections: [SubscriberAnswerSection] = []
        for (offered, answered) in zip(offer.media, answer.media) {
            // Equal mid lists: a nil here means the offer itself had none, which ours never does.
            guard let mid = answered.mid else { throw .midsDiffer(offered: offeredMIDs, answered: answeredMIDs) }
            guard offered.kind == answered.kind else {
                throw .kindMismatch(mid, offered: offered.kind, answered: answered.kind)
            }
            sections.append(Self.summary(of: answered, mid: mid))
        }

        let accepted = sections.filter(\.accepted).map(\.mid)
        guard !accepted.isEmpty else { throw .noAcceptedSection }
        let bundled = answer.bundleMIDs
        if let unbundled = accepted.first(where: { !bundled.contains($0) }) { throw .unbundledSection(unbundled) }
        // Every accepted mid is bundled, so the group names at least one accepted section.
        guard let transportMID = bundled.first(where: accepted.contains),
              let transport = answer.media(withMID: transportMID)
        else { throw .noAcceptedSection }

        guard let ufrag = answer.iceUfrag(for: transport), !ufrag.isEmpty,
              let pwd = answer.icePwd(for: transport), !pwd.isEmpty
        else { throw .missingICECredentials(transportMID) }
        guard let fingerprint = answer.fingerprint(for: transport) else { throw .missingFingerprint(transportMID) }
        let setup = answer.setup(for: transport)
        guard let setup, setup == .active || setup == .passive else { throw .invalidSetupRole(transportMID, setup) }

        var seen = Set<String>()
        let candidates = answer.media.filter { $0.port != 0 }.flatMap(\.candidates).filter { seen.insert($0).inserted }

        self.sections = sections
        self.transportMID = transportMID
        self.iceUfrag = ufrag
        self.icePwd = pwd
        self.fingerprint = fingerprint
        self.remoteSetupRole = setup
        self.candidates = candidates
        sctpPort = answer.media.first { $0.kind == .application && $0.port != 0 }.map { UInt16(clamping: $0.sctpPort ?? 5000) }
    }

    /// The summary of one answered section.
    private static func summary(of answered: MediaDescription, mid: MediaID) -> SubscriberAnswerSection {
        // RFC 3264 §6: port 0 rejects the section. bundle-only is not valid in an answer (RFC 8843 §7.3).
        let accepted = answered.port != 0
        var codecs: [RTPMap] = []
        if accepted {
            let maps = answered.rtpMaps
            var seen = Set<PayloadType>()
            for payloadType in answered.payloadTypes where seen.insert(payloadType).inserted {
                if let map = maps.first(where: { $0.payloadType == payloadType }) { codecs.append(map) }
            }
        }
        return SubscriberAnswerSection(
            mid: mid, kind: answered.kind, accepted: accepted, direction: answered.direction, codecs: codecs
        )
    }
}
