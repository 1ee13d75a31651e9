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
            // The last reliable sequence we took from this participant: its SDK resends anything newer after the
            // resume (JS `resendReliableMessagesForResume`).
            if let sid = participant(of: connection) { reconnect.lastMessageSeq = data.lastReliableSequence[sid] ?? 0 }
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
            case .publishDataTrack(let request):
                answer.request = .publishDataTrack(request.proto)
            case .unpublishDataTrack(let handle):
                var unpublish = Livekit_UnpublishDataTrackRequest()
                unpublish.pubHandle = handle
                answer.request = .unpublishDataTrack(unpublish)
            }
            return response(.requestResponse(answer))
        case .trackSubscribed(let track):
            var subscribed = Livekit_TrackSubscribed()
            subscribed.trackSid = track.rawValue
            return response(.trackSubscribed(subscribed))
        case .dataTrackPublished(let track):
            var published = Livekit_PublishDataTrackResponse()
            published.info = track.proto
            return response(.publishDataTrackResponse(published))
        case .dataTrackUnpublished(let track):
            var unpublished = Livekit_UnpublishDataTrackResponse()
            unpublished.info = track.proto
            return response(.unpublishDataTrackResponse(unpublished))
        case .dataTrackHandles(let entries):
            var handles = Livekit_DataTrackSubscriberHandles()
            for entry in entries {
                var published = Livekit_DataTrackSubscriberHandles.PublishedDataTrack()
                published.publisherIdentity = entry.publisherIdentity.rawValue
                published.publisherSid = entry.publisher.rawValue
                published.trackSid = entry.track.rawValue
                handles.subHandles[UInt32(entry.handle)] = published
            }
            return response(.dataTrackSubscriberHandles(handles))
        }
    }

    /// Answers a publisher offer and tells the room model which tracks it sends.
    mutating func publisherOffer(_ connection: ConnectionID, sdp: String, id: UInt32, wall: Date) -> [SignalAction] {
        guard sessions[connection] != nil else { return [] }
        guard let sid = participant(of: connection), var state = media[sid], let ours = state.transports[.publisher] else {
            return [dropped(connection, "offer before join")]
        }
        let offer: SessionDescription
        do {
            offer = try SDPParser.parse(sdp)
        } catch {
            return frameRejected(connection, code: .invalidPayload, reason: "malformed SDP offer: \(error)")
        }
        var out: [SignalAction] = []
        let firstUsable = offer.media.first { !$0.isRejected } ?? offer.media.first
        if isICERestart(sid, target: .publisher, remoteUfrag: firstUsable?.iceUfrag ?? offer.iceUfrag),
           let restart = restartLocalICE(sid, target: .publisher) {
            out.append(restart)
        }
        state = media[sid] ?? state
        let transport = state.transports[.publisher] ?? ours
        let configuration = SDPAnswerConfiguration(
            iceUfrag: transport.iceUfrag, icePwd: transport.icePwd,
            fingerprint: DTLSFingerprint(algorithm: transport.fingerprintAlgorithm, value: transport.fingerprint),
            sessionID: UInt64(state.nextOfferID) &+ 1_000_000,
            acceptDataChannels: true
        )
        let outgoing = state.mode == .singlePC ? placeDownTracks(sid, in: offer) : [:]
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
        out.append(.send(connection, response(.answer(description))))
        if let remote = Self.remoteTransport(of: offer, answer: answer) {
            out += applyRemote(remote, firstMid: answer.sections.first(where: \.accepted)?.mid.rawValue, participant: sid, target: .publisher)
        }
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
        out += recordPublishedMedia(sid, offer: offer)
        if state.mode == .singlePC { out += negotiatedDownTracks(sid, answer: answer) }
        return out
    }
}

extension SignalServerStateMachine {
    /// The client's side of the transport from its offer (session-level values as fallback).
    static func remoteTransport(of offer: SessionDescription, answer: SDPAnswer) -> RemoteTransportDescription? {
        guard let remote = OfferedTransport(offer: offer, answer: answer) else { return nil }
        return RemoteTransportDescription(
            iceUfrag: remote.iceUfrag, icePwd: remote.icePwd, fingerprintAlgorithm: remote.fingerprint.algorithm,
            fingerprint: remote.fingerprint.value, weAreDTLSClient: remote.weAreDTLSClient, candidates: remote.candidates,
            sctpPort: remote.sctpPort
        )
    }
}
