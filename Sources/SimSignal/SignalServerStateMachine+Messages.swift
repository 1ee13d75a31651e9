import Foundation
import SimCore
import SimProto
import SimRoom
import SimSDP

extension SignalServerStateMachine {
    /// Builds the protobuf for a room message as `connection`'s client expects it.
    func proto(_ message: ServerMessage, for connection: ConnectionID) -> Livekit_SignalResponse {
        let protocolVersion = sessions[connection]?.plan.join.protocolVersion ?? Int(configuration.protocolVersion)
        switch message {
        case .join(let room, let participant, let others, let subscriberPrimary):
            var join = Livekit_JoinResponse()
            join.room = room.proto
            join.participant = participant.proto
            join.otherParticipants = others.map(\.proto)
            join.serverVersion = configuration.serverVersion
            join.serverRegion = configuration.region
            join.serverInfo = serverInfo
            join.subscriberPrimary = subscriberPrimary
            join.pingInterval = configuration.pingInterval
            join.pingTimeout = configuration.pingTimeout
            join.enabledPublishCodecs = PublishCodecs.publish
            join.fastPublish = participant.permission.canPublish
            join.clientConfiguration = Livekit_ClientConfiguration()
            return response(.join(join))
        case .reconnect:
            var reconnect = Livekit_ReconnectResponse()
            reconnect.serverInfo = serverInfo
            reconnect.clientConfiguration = Livekit_ClientConfiguration()
            return response(.reconnect(reconnect))
        case .update(let participants):
            var update = Livekit_ParticipantUpdate()
            update.participants = participants.map(\.proto)
            return response(.update(update))
        case .trackPublished(let cid, let track):
            var published = Livekit_TrackPublishedResponse()
            published.cid = cid
            published.track = track.proto
            return response(.trackPublished(published))
        case .trackUnpublished(let track):
            var unpublished = Livekit_TrackUnpublishedResponse()
            unpublished.trackSid = track.rawValue
            return response(.trackUnpublished(unpublished))
        case .leave(let notice):
            return response(.leave(notice.proto(protocolVersion: protocolVersion)))
        case .mute(let track, let muted):
            var mute = Livekit_MuteTrackRequest()
            mute.sid = track.rawValue
            mute.muted = muted
            return response(.mute(mute))
        case .roomUpdate(let room):
            var update = Livekit_RoomUpdate()
            update.room = room.proto
            return response(.roomUpdate(update))
        case .speakersChanged(let levels):
            var changed = Livekit_SpeakersChanged()
            changed.speakers = levels.map { level in
                var info = Livekit_SpeakerInfo()
                info.sid = level.participant.rawValue
                info.level = level.level
                info.active = level.active
                return info
            }
            return response(.speakersChanged(changed))
        case .requestResponse(let subject, let outcome, let text):
            var answer = Livekit_RequestResponse()
            answer.reason = Livekit_RequestResponse.Reason(rawValue: outcome.rawValue) ?? .ok
            answer.message = text
            switch subject {
            case .addTrack(let cid):
                var add = Livekit_AddTrackRequest()
                add.cid = cid
                answer.request = .addTrack(add)
            case .mute(let track):
                var mute = Livekit_MuteTrackRequest()
                mute.sid = track.rawValue
                answer.request = .mute(mute)
            case .updateMetadata(let requestID):
                answer.requestID = requestID
                var update = Livekit_UpdateParticipantMetadata()
                update.requestID = requestID
                answer.request = .updateMetadata(update)
            }
            return response(.requestResponse(answer))
        case .trackSubscribed(let track):
            var subscribed = Livekit_TrackSubscribed()
            subscribed.trackSid = track.rawValue
            return response(.trackSubscribed(subscribed))
        }
    }

    /// Answers a publisher offer and tells the room model which tracks it sends.
    mutating func publisherOffer(_ connection: ConnectionID, sdp: String, id: UInt32, wall: Date) -> [SignalAction] {
        guard let session = sessions[connection] else { return [] }
        let offer: SessionDescription
        do {
            offer = try SDPParser.parse(sdp)
        } catch {
            return frameRejected(connection, code: .invalidPayload, reason: "malformed SDP offer: \(error)")
        }
        let configuration = SDPAnswerConfiguration(
            iceUfrag: session.transport.iceUfrag, icePwd: session.transport.icePwd,
            fingerprint: DTLSFingerprint(algorithm: session.transport.fingerprintAlgorithm, value: session.transport.fingerprint),
            sessionID: UInt64(connection.value) &+ 1_000_000
        )
        let outgoing = session.plan.join.mode == .singlePC ? placeDownTracks(connection, in: offer) : [:]
        let answer: SDPAnswer
        do {
            answer = try SDPAnswerBuilder(configuration: configuration).answer(to: offer, outgoingTracks: outgoing)
        } catch {
            return frameRejected(connection, code: .invalidPayload, reason: "unusable SDP offer: \(error)")
        }
        var description = Livekit_SessionDescription()
        description.type = "answer"
        description.sdp = answer.sdp
        description.id = id
        for (mid, track) in outgoing where answer.section(mid)?.outgoingTrackID != nil {
            description.midToTrackID[mid.rawValue] = track.trackID
        }
        var out: [SignalAction] = [.send(connection, response(.answer(description)))]
        if let remote = Self.remoteTransport(of: offer, answer: answer) { out.append(.remoteDescription(connection, remote)) }
        let sections = offer.publishedSections.compactMap { section -> OfferedTrackSection? in
            let kind: TrackKind
            switch section.kind {
            case .audio: kind = .audio
            case .video: kind = .video
            default: return nil
            }
            return OfferedTrackSection(mid: section.mid.rawValue, kind: kind, trackID: section.trackID, mimeType: section.mimeType ?? "", rids: section.rids.map(\.rawValue))
        }
        out += map(rooms.handle(.publisherOfferReceived(connection, sections), wall: wall))
        out += recordPublishedMedia(connection, offer: offer)
        out += negotiatedDownTracks(connection, answer: answer)
        return out
    }

    /// Dual-PC: the server's subscriber offer (an `m=application` section, as LiveKit offers for its data channels;
    /// media sections arrive with the media layer).
    mutating func subscriberOffer(_ connection: ConnectionID, iceRestart: Bool) -> [SignalAction] {
        guard var session = sessions[connection] else { return [] }
        if iceRestart { session.transport = LocalTransportParameters(generator: &random) }
        let id = session.nextOfferID
        session.nextOfferID &+= 1
        session.subscriberOfferSent = true
        sessions[connection] = session
        var description = Livekit_SessionDescription()
        description.type = "offer"
        description.id = id
        description.sdp = SubscriberOffer.text(transport: session.transport, sessionID: UInt64(connection.value) &+ 2_000_000, version: UInt64(id))
        return [.send(connection, response(.offer(description)))]
    }
}

/// The text of the server's subscriber-PC offer.
enum SubscriberOffer {
    static func text(transport: LocalTransportParameters, sessionID: UInt64, version: UInt64) -> String {
        [
            "v=0",
            "o=- \(sessionID) \(version) IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=msid-semantic: WMS",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:\(transport.iceUfrag)",
            "a=ice-pwd:\(transport.icePwd)",
            "a=ice-options:trickle",
            "a=fingerprint:\(transport.fingerprintAlgorithm) \(transport.fingerprint)",
            "a=setup:actpass",
            "a=mid:0",
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            "",
        ].joined(separator: "\r\n")
    }
}

extension SignalServerStateMachine {
    /// A client trickle: its candidate goes to the media transport (malformed JSON is a logged drop).
    func remoteCandidate(_ connection: ConnectionID, _ trickle: Livekit_TrickleRequest) -> [SignalAction] {
        guard let candidate = CandidateInit.candidate(fromJSON: trickle.candidateInit) else {
            return [dropped(connection, "trickle candidateInit is not an RTCIceCandidateInit JSON object")]
        }
        return [.addRemoteCandidate(connection, candidate: candidate)]
    }

    /// The client's side of the transport from its offer (session-level values as fallback).
    static func remoteTransport(of offer: SessionDescription, answer: SDPAnswer) -> RemoteTransportDescription? {
        guard let first = offer.media.first(where: { !$0.isRejected }) ?? offer.media.first,
              let ufrag = first.iceUfrag ?? offer.iceUfrag, let pwd = first.icePwd ?? offer.icePwd,
              let fingerprint = first.fingerprint ?? offer.fingerprint else { return nil }
        let ourSetup = answer.sessionDescription.media.first { !$0.isRejected }?.setup
        return RemoteTransportDescription(
            iceUfrag: ufrag, icePwd: pwd, fingerprintAlgorithm: fingerprint.algorithm, fingerprint: fingerprint.value,
            weAreDTLSClient: ourSetup == .active, candidates: offer.media.flatMap(\.candidates)
        )
    }
}
