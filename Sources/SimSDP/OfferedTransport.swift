/// The offerer's side of a bundled transport (ICE credentials, DTLS fingerprint, the offer's own candidates) and
/// the DTLS role our answer took: what an answerer's ICE agent and DTLS need to start.
public struct OfferedTransport: Sendable, Equatable {
    /// `a=ice-ufrag`.
    public var iceUfrag: String
    /// `a=ice-pwd`.
    public var icePwd: String
    /// `a=fingerprint`.
    public var fingerprint: DTLSFingerprint
    /// Whether our answer made us the DTLS client (`a=setup:active`).
    public var weAreDTLSClient: Bool
    /// Candidates in the offer itself (`candidate:` values), every section's.
    public var candidates: [String]
    /// The SCTP port of the data-channel section our answer accepted (`a=sctp-port`, 5000 by default), or nil when
    /// no data channel was negotiated.
    public var sctpPort: UInt16?

    /// Reads the transport from `section` of `offer` (by default its first section that is not rejected), falling
    /// back to session-level values, and our role from the answer's first accepted section; nil when the offer has
    /// no ICE credentials or fingerprint.
    public init?(offer: SessionDescription, answer: SDPAnswer, section: MediaDescription? = nil) {
        guard let first = section ?? offer.media.first(where: { !$0.isRejected }) ?? offer.media.first,
              let ufrag = first.iceUfrag ?? offer.iceUfrag, let pwd = first.icePwd ?? offer.icePwd,
              let fingerprint = first.fingerprint ?? offer.fingerprint else { return nil }
        iceUfrag = ufrag
        icePwd = pwd
        self.fingerprint = fingerprint
        weAreDTLSClient = answer.sessionDescription.media.first { !$0.isRejected }?.setup == .active
        candidates = offer.media.flatMap(\.candidates)
        let application = offer.media.first { media in
            SDPAnswerBuilder.isDataChannelSection(media) && media.mid.flatMap { answer.section($0)?.accepted } == true
        }
        sctpPort = application.map { UInt16(clamping: $0.sctpPort ?? 5000) }
    }
}

/// How to send an offered section's RTP back to its sender on the same PeerConnection (an echo): the media SSRCs
/// it announces (repair streams left out), its codecs by payload type, and each media payload type mapped to the
/// one our answer uses for the same codec.
public struct EchoRouting: Sendable, Equatable {
    /// The sender's media SSRCs (`a=ssrc`, without the repair SSRCs of `a=ssrc-group:FID`).
    public var ssrcs: [UInt32]
    /// Encoding name (lower case) by the sender's payload type, RTX included.
    public var codecs: [UInt8: String]
    /// The sender's payload type → ours, for every codec the answer kept (RTX excluded: repairs are not echoed).
    public var payloadTypes: [UInt8: UInt8]

    /// The routing of `offered`, as `answered` negotiated it.
    public init(offered: MediaDescription, answered: AnsweredSection?) {
        let repair = Set(offered.ssrcGroups.filter { $0.semantics == SSRCGroup.fidSemantics }.flatMap { $0.ssrcs.dropFirst() })
        ssrcs = offered.ssrcs.filter { !repair.contains($0) }
        var codecs: [UInt8: String] = [:]
        for map in offered.rtpMaps { codecs[map.payloadType.value] = map.encodingName.lowercased() }
        self.codecs = codecs
        let answeredCodecs = Dictionary(answered?.codecs.map { ($0.encodingName.lowercased(), $0.payloadType.value) } ?? [],
                                        uniquingKeysWith: { first, _ in first })
        var payloadTypes: [UInt8: UInt8] = [:]
        for (payloadType, name) in codecs where name != "rtx" {
            if let mapped = answeredCodecs[name] { payloadTypes[payloadType] = mapped }
        }
        self.payloadTypes = payloadTypes
    }
}
