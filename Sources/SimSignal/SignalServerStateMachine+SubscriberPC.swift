import SimCore
import SimProto
import SimRoom
import SimSDP

/// Dual-PC (`/rtc`): the server offers the subscriber PeerConnection (reference §3.2, §3.5). One section per
/// subscribed track (`sendonly`, msid `PA_sid|TR_sid TR_sid`, `mid_to_track_id` filled); an unsubscribed track's
/// section goes `inactive` and is reused for a later track of the same kind. Offers are serialized: while one
/// awaits its answer, changes wait and one new offer follows the answer. An ICE restart (after a resume) gives
/// the offer new credentials.
extension SignalServerStateMachine {
    /// Puts `track` in a released section of its kind, or a new one.
    mutating func placeInSubscriberSection(_ subscriber: ParticipantSID, track: TrackSID, kind: TrackKind) {
        guard var state = media[subscriber] else { return }
        if let index = state.sections.firstIndex(where: { $0.track == nil && $0.kind == kind }) {
            state.sections[index].track = track
            state.downTracks[track]?.mid = state.sections[index].mid
        } else {
            let mid = String(state.sections.count)
            state.sections.append(SubscriberSection(mid: mid, kind: kind, track: track))
            state.downTracks[track]?.mid = mid
        }
        media[subscriber] = state
    }

    /// Offers to every dual-PC subscriber whose layout changed during this step (sorted: deterministic order).
    mutating func flushSubscriberOffers() -> [SignalAction] {
        guard !offersDue.isEmpty else { return [] }
        let due = offersDue.sorted()
        offersDue.removeAll()
        return due.flatMap { media[$0] == nil ? [] : subscriberOffer($0) }
    }

    /// Sends the subscriber PC's current layout as an offer, or marks a renegotiation if one is in flight.
    mutating func subscriberOffer(_ subscriber: ParticipantSID) -> [SignalAction] {
        guard var state = media[subscriber], state.transports[.subscriber] != nil else { return [] }
        guard state.offerInFlight == nil, let connection = rooms.participants[subscriber]?.connection, sessions[connection] != nil else {
            media[subscriber]?.renegotiate = true
            return []
        }
        var out: [SignalAction] = []
        if state.restartPending, let restart = restartLocalICE(subscriber, target: .subscriber) {
            out.append(restart)
            state = media[subscriber] ?? state
            state.restartPending = false
        }
        guard let transport = state.transports[.subscriber] else { return out }
        let id = state.nextOfferID
        state.nextOfferID &+= 1
        state.offerInFlight = id
        state.renegotiate = false
        media[subscriber] = state

        var sections: [SDPOfferSection] = []
        var midToTrack: [String: String] = [:]
        for section in state.sections {
            guard let trackKind = section.kind else {
                sections.append(.dataChannels(mid: MediaID(section.mid)))
                continue
            }
            let kind: MediaKind = trackKind == .audio ? .audio : .video
            if let track = section.track, let slot = state.downTracks[track], let template = publishedSections[track] {
                sections.append(.track(mid: MediaID(section.mid), kind: kind, template: template,
                                       track: OutgoingTrack(streamID: slot.streamID, trackID: track.rawValue, ssrc: slot.ssrc)))
                midToTrack[section.mid] = track.rawValue
            } else {
                sections.append(.inactive(mid: MediaID(section.mid), kind: kind))
            }
        }
        let configuration = SDPOfferConfiguration(
            iceUfrag: transport.iceUfrag, icePwd: transport.icePwd,
            fingerprint: DTLSFingerprint(algorithm: transport.fingerprintAlgorithm, value: transport.fingerprint),
            sessionID: UInt64(state.nextOfferID) &+ 2_000_000, sessionVersion: UInt64(id)
        )
        let offer: SDPOffer
        do {
            offer = try SDPOfferBuilder(configuration: configuration).offer(sections: sections)
        } catch {
            media[subscriber]?.offerInFlight = nil
            return out + [.log(EventRecord(kind: "signal.offer_failed", connection: connection, participant: subscriber, detail: ["why": .string("\(error)")]))]
        }
        media[subscriber]?.lastOffer = offer.sessionDescription
        var description = Livekit_SessionDescription()
        description.type = "offer"
        description.id = id
        description.sdp = offer.sdp
        description.midToTrackID = midToTrack
        out.append(.send(connection, response(.offer(description))))
        out += setFirstMid(subscriber, target: .subscriber, mid: state.sections.first?.mid)
        return out
    }

    /// The client's answer on the subscriber PC: transport parameters to the media layer, then each section's
    /// negotiated payload types; a change that waited for this answer is offered now.
    mutating func subscriberAnswer(_ connection: ConnectionID, sdp: String, id: UInt32) -> [SignalAction] {
        guard let sid = participant(of: connection), let state = media[sid], let offered = state.lastOffer else {
            return [dropped(connection, "answer without a subscriber offer")]
        }
        // The Rust SDK answers with id 0 (it does not echo the offer's id); a non-zero id must match.
        guard let inFlight = state.offerInFlight, id == 0 || id == inFlight else {
            return [dropped(connection, "answer id \(id) does not match the offer in flight (\(state.offerInFlight.map(String.init) ?? "none"))")]
        }
        let answer: SessionDescription
        do {
            answer = try SDPParser.parse(sdp)
        } catch {
            return frameRejected(connection, code: .invalidPayload, reason: "malformed SDP answer: \(error)")
        }
        let reading: SubscriberAnswer
        do {
            reading = try SubscriberAnswer(answer: answer, offer: offered)
        } catch {
            media[sid]?.offerInFlight = nil
            return [dropped(connection, "unusable subscriber answer: \(error)")]
        }
        media[sid]?.offerInFlight = nil
        var out: [SignalAction] = []
        let remote = RemoteTransportDescription(
            iceUfrag: reading.iceUfrag, icePwd: reading.icePwd, fingerprintAlgorithm: reading.fingerprint.algorithm,
            fingerprint: reading.fingerprint.value, weAreDTLSClient: reading.weAreDTLSClient, candidates: reading.candidates,
            sctpPort: reading.sctpPort
        )
        if state.remoteUfrag[.subscriber] != reading.iceUfrag {
            out += applyRemote(remote, firstMid: state.sections.first?.mid, participant: sid, target: .subscriber)
        }
        for section in state.sections {
            guard let track = section.track, let slot = media[sid]?.downTracks[track],
                  let answered = reading.section(MediaID(section.mid)), answered.accepted else { continue }
            let payloadTypes = answered.payloadTypes.compactMapValues { $0.first?.value }
            let extensions = answer.media.first { $0.mid?.rawValue == section.mid }.map { Self.extensionIDs($0.extMaps) } ?? [:]
            out += negotiate(sid, slot: slot, subscriberPayloadTypes: payloadTypes, subscriberExtensions: extensions)
        }
        if media[sid]?.renegotiate == true { out += subscriberOffer(sid) }
        return out
    }
}

extension SignalServerStateMachine {
    /// `SimulateScenario.switch_candidate_protocol` (LiveKit: an ICE restart preferring UDP, TCP or TLS candidates):
    /// an ICE restart of the server-offered PC. Our agent gathers UDP host candidates only (ICE-TCP is off), so the
    /// restarted connection is UDP whatever was asked; the event log says so. Single-PC has no server-offered PC:
    /// the server cannot restart ICE there (the client would have to re-offer), which is logged as well.
    mutating func switchCandidateProtocol(_ connection: ConnectionID, protocol value: Int) -> [SignalAction] {
        guard let sid = participant(of: connection), let state = media[sid] else { return [] }
        let asked = ["udp", "tcp", "tls"].indices.contains(value) ? ["udp", "tcp", "tls"][value] : "unknown(\(value))"
        var detail: [String: EventValue] = ["asked": .string(asked), "candidates": "udp"]
        guard state.transports[.subscriber] != nil else {
            detail["applied"] = false
            detail["why"] = "single-PC: no server-offered PeerConnection to restart"
            return [.log(EventRecord(kind: "transport.switch_candidate_protocol", connection: connection, participant: sid, detail: detail))]
        }
        detail["applied"] = true
        media[sid]?.restartPending = true
        offersDue.insert(sid)
        return [.log(EventRecord(kind: "transport.switch_candidate_protocol", connection: connection, participant: sid, detail: detail))]
    }
}
