import Foundation
import SimCore
import SimProto
import SimRoom
import SimSDP

/// A participant's media negotiation state. It belongs to the participant, not to a signal connection, so a
/// resumed participant keeps its transports, its subscriptions and their SDP placement.
struct ParticipantMedia: Sendable {
    /// The PeerConnection layout the participant joined with.
    var mode: SignalMode
    /// Our ICE/DTLS identity per PeerConnection (from the media layer, or random when signalling-only).
    var transports: [PeerTarget: LocalTransportParameters]
    /// The targets whose identity came from a real media transport (the hub creates the others on demand).
    var realTransports: Set<PeerTarget>
    /// The client's ICE ufrag per PeerConnection, to detect an ICE restart.
    var remoteUfrag: [PeerTarget: String] = [:]
    /// The mid trickled candidates name, per PeerConnection (the first accepted, bundled section).
    var firstMid: [PeerTarget: String] = [:]
    /// Local candidates gathered before that mid was known (the SDP exchange had not happened yet).
    var queuedCandidates: [PeerTarget: [String]] = [:]
    /// Subscriptions and where they sit in the SDP.
    var downTracks: [TrackSID: DownTrackSlot] = [:]
    /// Dual-PC: the subscriber PC's sections in offer order (placeholders, live tracks, released slots).
    var sections: [SubscriberSection] = []
    /// Dual-PC: the id of the next server offer.
    var nextOfferID: UInt32
    /// Dual-PC: an offer awaiting its answer (offers are serialized, as JSEP requires).
    var offerInFlight: UInt32?
    /// Dual-PC: something changed while an offer was in flight; offer again after the answer.
    var renegotiate = false
    /// Dual-PC: the next offer restarts ICE.
    var restartPending = false
    /// Dual-PC: the last offer sent (its answer is read against it).
    var lastOffer: SessionDescription?

    /// The PeerConnection whose connection makes the participant ACTIVE (reference §3.2, §3.3).
    var primary: PeerTarget { mode == .dualPC && transports[.subscriber] != nil ? .subscriber : .publisher }

    /// The PeerConnection subscriptions are sent on.
    var downTarget: PeerTarget { mode == .dualPC ? .subscriber : .publisher }
}

/// One section of a dual-PC subscriber offer.
struct SubscriberSection: Sendable, Equatable {
    /// Its mid (we number them 0, 1, 2, … in order of creation).
    var mid: String
    /// Audio or video; nil for the data-channel section.
    var kind: TrackKind?
    /// The track it carries, or nil for a placeholder or a released slot (sent `inactive`, reusable).
    var track: TrackSID?
}

extension SignalServerStateMachine {
    // MARK: Binding and transports

    /// After a join or resume: creates the participant's media state (a resume keeps the existing one) and tells
    /// the media layer which participant the connection's transports belong to.
    mutating func bindMedia(_ connection: ConnectionID) -> [SignalAction] {
        guard let session = sessions[connection], let sid = rooms.participant(connection: connection)?.sid else { return [] }
        if media[sid] == nil {
            let join = session.plan.join
            var transports: [PeerTarget: LocalTransportParameters] = [:]
            var real = Set<PeerTarget>()
            var targets: [PeerTarget] = [.publisher]
            if join.mode == .dualPC, join.permission.canSubscribe { targets.append(.subscriber) }
            for target in targets {
                if let opened = session.openedTransports[target] {
                    transports[target] = opened
                    real.insert(target)
                } else {
                    transports[target] = LocalTransportParameters(generator: &random)
                }
            }
            var state = ParticipantMedia(mode: join.mode, transports: transports, realTransports: real, nextOfferID: random.nextUInt32() % 256 + 1)
            if targets.contains(.subscriber) {
                // The data-channel section, as LiveKit offers it first (reference: data channels §1.2): the
                // subscriber PC has a transport (ICE + DTLS) before anything is subscribed, and carries the
                // server's own `_reliable`, `_lossy` and `_data_track` channels.
                state.sections = [SubscriberSection(mid: "0", kind: nil, track: nil)]
            }
            media[sid] = state
        }
        return [.participantBound(connection, sid, session.plan.join.room)]
    }

    /// Whether the hub should create a real transport for `target` on `connection` (the participant has none).
    public func needsTransport(_ connection: ConnectionID, target: PeerTarget) -> Bool {
        guard let sid = rooms.participant(connection: connection)?.sid else {
            return sessions[connection]?.openedTransports[target] == nil
        }
        guard let state = media[sid] else { return true }
        return !state.realTransports.contains(target)
    }

    /// The media layer created `target`'s transport for `connection`: later SDP carries its identity.
    public mutating func transportAttached(_ connection: ConnectionID, target: PeerTarget = .publisher, parameters: LocalTransportParameters) {
        guard let sid = rooms.participant(connection: connection)?.sid, media[sid] != nil else {
            sessions[connection]?.openedTransports[target] = parameters
            return
        }
        media[sid]?.transports[target] = parameters
        media[sid]?.realTransports.insert(target)
    }

    /// The participant bound to `connection`, if any.
    public func participant(of connection: ConnectionID) -> ParticipantSID? {
        rooms.participant(connection: connection)?.sid
    }

    /// The media layer gathered a local ICE candidate (`candidate:` SDP line) for a participant's transport:
    /// trickled to the client on that target (dropped while its signal is down; an ICE restart re-sends them).
    /// A candidate gathered before the SDP exchange named a section waits for it (a client cannot apply a candidate
    /// for a section it has not seen, and one naming a rejected section fails).
    public mutating func localCandidateGathered(_ participant: ParticipantSID, target: PeerTarget, candidate: String, final: Bool = false) -> [SignalAction] {
        guard let state = media[participant] else { return [] }
        guard let mid = state.firstMid[target] else {
            media[participant]?.queuedCandidates[target, default: []].append(candidate)
            return []
        }
        guard let connection = rooms.participants[participant]?.connection, sessions[connection] != nil else { return [] }
        var trickle = Livekit_TrickleRequest()
        trickle.candidateInit = CandidateInit.json(candidate: candidate, sdpMid: mid, sdpMLineIndex: 0)
        trickle.target = target.proto
        trickle.final = final
        return [.send(connection, response(.trickle(trickle)))]
    }

    /// Records the mid candidates on `target` name, and trickles the ones that waited for it.
    mutating func setFirstMid(_ participant: ParticipantSID, target: PeerTarget, mid: String?) -> [SignalAction] {
        guard let mid, media[participant] != nil else { return [] }
        media[participant]?.firstMid[target] = mid
        let queued = media[participant]?.queuedCandidates.removeValue(forKey: target) ?? []
        return queued.flatMap { localCandidateGathered(participant, target: target, candidate: $0) }
    }

    /// The media layer reports one of a participant's transports up; the primary one makes it ACTIVE.
    public mutating func transportConnected(_ participant: ParticipantSID, target: PeerTarget = .publisher, wall: Date) -> [SignalAction] {
        guard let state = media[participant], state.primary == target else { return [] }
        return map(rooms.handle(.transportConnected(participant), wall: wall)) + flushSubscriberOffers()
    }

    /// A client trickle: its candidate goes to the media transport (malformed JSON is a logged drop).
    func remoteCandidate(_ connection: ConnectionID, _ trickle: Livekit_TrickleRequest) -> [SignalAction] {
        guard let candidate = CandidateInit.candidate(fromJSON: trickle.candidateInit) else {
            return [dropped(connection, "trickle candidateInit is not an RTCIceCandidateInit JSON object")]
        }
        guard let sid = participant(of: connection) else { return [dropped(connection, "trickle before join")] }
        return [.addRemoteCandidate(sid, PeerTarget(proto: trickle.target), candidate: candidate)]
    }

    /// The client's side of a transport from its SDP, and an ICE restart of ours when its credentials changed
    /// (RFC 8445 §9; our new credentials must already be in the SDP we send). Records what later checks need.
    mutating func applyRemote(_ remote: RemoteTransportDescription, firstMid: String?, participant sid: ParticipantSID, target: PeerTarget) -> [SignalAction] {
        var out: [SignalAction] = []
        media[sid]?.remoteUfrag[target] = remote.iceUfrag
        out.append(.remoteDescription(sid, target, remote))
        out += setFirstMid(sid, target: target, mid: firstMid)
        return out
    }

    /// Whether `ufrag` restarts ICE on `target` (the client's credentials changed since its last SDP).
    func isICERestart(_ sid: ParticipantSID, target: PeerTarget, remoteUfrag: String?) -> Bool {
        guard let remoteUfrag, let previous = media[sid]?.remoteUfrag[target] else { return false }
        return previous != remoteUfrag
    }

    /// New local credentials for `target` (same DTLS identity), drawn from the seeded generator.
    mutating func restartLocalICE(_ sid: ParticipantSID, target: PeerTarget) -> SignalAction? {
        guard var parameters = media[sid]?.transports[target] else { return nil }
        let fresh = LocalTransportParameters(generator: &random)
        parameters.iceUfrag = fresh.iceUfrag
        parameters.icePwd = fresh.icePwd
        media[sid]?.transports[target] = parameters
        return .restartICE(sid, target, ICECredentialPair(ufrag: parameters.iceUfrag, pwd: parameters.icePwd))
    }

    // MARK: Subscriber settings

    /// A subscriber's UpdateTrackSettings, for the tracks it receives.
    func downTrackSettings(_ connection: ConnectionID, _ update: Livekit_UpdateTrackSettings) -> [SignalAction] {
        guard let sid = participant(of: connection), let state = media[sid] else { return [] }
        let settings = DownTrackSettings(disabled: update.disabled, quality: update.quality.rawValue, width: update.width, height: update.height)
        return update.trackSids.map(TrackSID.init).filter { state.downTracks[$0] != nil }.map { .downTrackSettings(sid, $0, settings) }
    }
}
