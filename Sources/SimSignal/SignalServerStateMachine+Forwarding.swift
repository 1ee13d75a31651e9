import SimCore
import SimProto
import SimRoom
import SimSDP

/// Single-PC subscriptions: place each subscribed track on one of the client's recvonly slots. The server never
/// offers in single-PC (reference §3.3, §8.10): it sends `media_sections_requirement` and answers the re-offer.
extension SignalServerStateMachine {
    /// The connection of a single-PC participant with a transport-bearing session.
    func singlePCConnection(of participant: ParticipantSID) -> ConnectionID? {
        guard let connection = rooms.participants[participant]?.connection,
              sessions[connection]?.plan.join.mode == .singlePC else { return nil }
        return connection
    }

    mutating func addDownTrack(_ subscriber: ParticipantSID, _ track: TrackSID) -> [SignalAction] {
        guard let connection = singlePCConnection(of: subscriber), sessions[connection]?.downTracks[track] == nil,
              let publisher = rooms.publisher(of: track), let index = publisher.trackIndex(track) else { return [] }
        let kind = publisher.tracks[index].kind
        let slot = DownTrackSlot(track: track, kind: kind, ssrc: random.nextUInt32() | 1, streamID: "\(publisher.sid.rawValue)|\(track.rawValue)", mid: nil)
        sessions[connection]?.downTracks[track] = slot
        return [requestOffer(connection)]
    }

    mutating func removeDownTrack(_ subscriber: ParticipantSID, _ track: TrackSID) -> [SignalAction] {
        guard let connection = singlePCConnection(of: subscriber), sessions[connection]?.downTracks.removeValue(forKey: track) != nil else { return [] }
        return [.downTrackRemoved(connection, track), requestOffer(connection)]
    }

    /// `media_sections_requirement`: how many more recvonly sections the client must add (0/0 just asks for a new
    /// offer, which LiveKit also does to renegotiate).
    func requestOffer(_ connection: ConnectionID) -> SignalAction {
        var requirement = Livekit_MediaSectionsRequirement()
        if let session = sessions[connection] {
            let unplaced = session.downTracks.values.filter { $0.mid == nil }
            requirement.numAudios = UInt32(unplaced.filter { $0.kind == .audio }.count)
            requirement.numVideos = UInt32(unplaced.filter { $0.kind == .video }.count)
        }
        return .send(connection, response(.mediaSectionsRequirement(requirement)))
    }

    /// Assigns subscriptions to the offer's recvonly sections (keeping earlier placements), for the answer.
    mutating func placeDownTracks(_ connection: ConnectionID, in offer: SessionDescription) -> [MediaID: OutgoingTrack] {
        guard var session = sessions[connection], !session.downTracks.isEmpty else { return [:] }
        var free: [TrackKind: [String]] = [:]
        var receiving = Set<String>()
        for media in offer.media where media.direction.receives && !media.isRejected {
            guard let mid = media.mid?.rawValue else { continue }
            receiving.insert(mid)
            switch media.kind {
            case .audio: free[.audio, default: []].append(mid)
            case .video: free[.video, default: []].append(mid)
            default: continue
            }
        }
        // Keep placements whose section still receives; drop the others.
        for (track, slot) in session.downTracks {
            if let mid = slot.mid, receiving.contains(mid) {
                free[slot.kind]?.removeAll { $0 == mid }
            } else {
                session.downTracks[track]?.mid = nil
            }
        }
        for track in session.downTracks.keys.sorted() where session.downTracks[track]?.mid == nil {
            guard let kind = session.downTracks[track]?.kind, let mid = free[kind]?.first else { continue }
            free[kind]?.removeFirst()
            session.downTracks[track]?.mid = mid
        }
        sessions[connection] = session
        var outgoing: [MediaID: OutgoingTrack] = [:]
        for slot in session.downTracks.values {
            guard let mid = slot.mid else { continue }
            outgoing[MediaID(mid)] = OutgoingTrack(streamID: slot.streamID, trackID: slot.track.rawValue, ssrc: slot.ssrc)
        }
        return outgoing
    }

    /// After answering: the media layer learns each placed subscription's SSRC and payload type mapping.
    func negotiatedDownTracks(_ connection: ConnectionID, answer: SDPAnswer) -> [SignalAction] {
        guard let session = sessions[connection] else { return [] }
        var out: [SignalAction] = []
        for slot in session.downTracks.values.sorted(by: { $0.track < $1.track }) {
            guard let mid = slot.mid, let section = answer.section(MediaID(mid)), section.accepted,
                  let published = publishedMedia[slot.track] else { continue }
            var map: [UInt8: UInt8] = [:]
            for (publisherPT, name) in published.codecs where name != "rtx" {
                if let match = section.codecs.first(where: { $0.encodingName.lowercased() == name }) {
                    map[publisherPT] = match.payloadType.value
                }
            }
            guard !map.isEmpty else { continue }
            let clockRate = published.clockRates.values.first ?? (slot.kind == .audio ? 48_000 : 90_000)
            out.append(.downTrackNegotiated(connection, NegotiatedDownTrack(track: slot.track, kind: slot.kind, ssrc: slot.ssrc, payloadTypes: map, clockRate: clockRate)))
        }
        return out
    }

    /// Records the SSRCs and codecs of tracks this offer publishes.
    mutating func recordPublishedMedia(_ connection: ConnectionID, offer: SessionDescription) -> [SignalAction] {
        guard let participant = rooms.participant(connection: connection) else { return [] }
        var out: [SignalAction] = []
        for track in participant.publishedTracks where publishedMedia[track.sid] == nil {
            guard let section = offer.media.first(where: { $0.mid?.rawValue == track.mid }) else { continue }
            let repair = Set(section.ssrcGroups.filter { $0.semantics == "FID" }.flatMap { $0.ssrcs.dropFirst() })
            var codecs: [UInt8: String] = [:]
            var clockRates: [UInt8: UInt32] = [:]
            for map in section.rtpMaps {
                codecs[map.payloadType.value] = map.encodingName.lowercased()
                clockRates[map.payloadType.value] = map.clockRate
            }
            let primary = track.mimeType.split(separator: "/").last.map { $0.lowercased() }
            let rates = clockRates.filter { codecs[$0.key] == primary }
            let media = PublishedTrackMedia(track: track.sid, kind: track.kind, ssrcs: section.ssrcs.filter { !repair.contains($0) },
                                            codecs: codecs, clockRates: rates.isEmpty ? clockRates : rates)
            publishedMedia[track.sid] = media
            out.append(.publisherTrackMedia(connection, media))
        }
        return out
    }
}
