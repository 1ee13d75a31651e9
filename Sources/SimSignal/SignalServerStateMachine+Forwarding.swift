import SimCore
import SimProto
import SimRoom
import SimSDP

/// Subscriptions in the SDP. Single-PC: each subscribed track goes on one of the client's recvonly slots; the server
/// never offers there (reference §3.3, §8.10): it sends `media_sections_requirement` and answers the re-offer.
/// Dual-PC: the server offers the subscriber PC, one section per track, reusing released ones (§3.5).
extension SignalServerStateMachine {
    mutating func addDownTrack(_ subscriber: ParticipantSID, _ track: TrackSID) -> [SignalAction] {
        guard let state = media[subscriber], state.downTracks[track] == nil,
              let publisher = rooms.publisher(of: track), let index = publisher.trackIndex(track) else { return [] }
        let kind = publisher.tracks[index].kind
        let slot = DownTrackSlot(track: track, kind: kind, ssrc: random.nextUInt32() | 1, streamID: "\(publisher.sid.rawValue)|\(track.rawValue)", mid: nil)
        media[subscriber]?.downTracks[track] = slot
        if state.mode == .dualPC {
            placeInSubscriberSection(subscriber, track: track, kind: kind)
            offersDue.insert(subscriber)
            return []
        }
        return requestOffer(subscriber)
    }

    mutating func removeDownTrack(_ subscriber: ParticipantSID, _ track: TrackSID) -> [SignalAction] {
        guard let state = media[subscriber], state.downTracks[track] != nil else { return [] }
        media[subscriber]?.downTracks[track] = nil
        var out: [SignalAction] = [.downTrackRemoved(subscriber, state.downTarget, track)]
        if state.mode == .dualPC {
            if let index = state.sections.firstIndex(where: { $0.track == track }) { media[subscriber]?.sections[index].track = nil }
            offersDue.insert(subscriber)
        } else {
            out += requestOffer(subscriber)
        }
        return out
    }

    /// `media_sections_requirement`: how many more recvonly sections the client must add (0/0 just asks for a new
    /// offer, which LiveKit also does to renegotiate). Nothing while the signal is down: a resuming client offers.
    func requestOffer(_ subscriber: ParticipantSID) -> [SignalAction] {
        guard let connection = rooms.participants[subscriber]?.connection, let state = media[subscriber] else { return [] }
        var requirement = Livekit_MediaSectionsRequirement()
        let unplaced = state.downTracks.values.filter { $0.mid == nil }
        requirement.numAudios = UInt32(unplaced.filter { $0.kind == .audio }.count)
        requirement.numVideos = UInt32(unplaced.filter { $0.kind == .video }.count)
        return [.send(connection, response(.mediaSectionsRequirement(requirement)))]
    }

    /// Single-PC: assigns subscriptions to the offer's recvonly sections (keeping earlier placements).
    mutating func placeDownTracks(_ subscriber: ParticipantSID, in offer: SessionDescription) -> [MediaID: OutgoingTrack] {
        guard var state = media[subscriber], !state.downTracks.isEmpty else { return [:] }
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
        for (track, slot) in state.downTracks {
            if let mid = slot.mid, receiving.contains(mid) {
                free[slot.kind]?.removeAll { $0 == mid }
            } else {
                state.downTracks[track]?.mid = nil
                state.downTracks[track]?.negotiated = nil
            }
        }
        for track in state.downTracks.keys.sorted() where state.downTracks[track]?.mid == nil {
            guard let kind = state.downTracks[track]?.kind, let mid = free[kind]?.first else { continue }
            free[kind]?.removeFirst()
            state.downTracks[track]?.mid = mid
        }
        media[subscriber] = state
        var outgoing: [MediaID: OutgoingTrack] = [:]
        for slot in state.downTracks.values {
            guard let mid = slot.mid else { continue }
            outgoing[MediaID(mid)] = OutgoingTrack(streamID: slot.streamID, trackID: slot.track.rawValue, ssrc: slot.ssrc)
        }
        return outgoing
    }

    /// Single-PC, after answering: the media layer learns each placed subscription's SSRC and payload types
    /// (again only when the mapping changed, so a renegotiation does not reset a running down track).
    mutating func negotiatedDownTracks(_ subscriber: ParticipantSID, answer: SDPAnswer) -> [SignalAction] {
        guard let state = media[subscriber] else { return [] }
        var out: [SignalAction] = []
        for slot in state.downTracks.values.sorted(by: { $0.track < $1.track }) {
            guard let mid = slot.mid, let section = answer.section(MediaID(mid)), section.accepted else { continue }
            let names = Dictionary(section.codecs.map { ($0.encodingName.lowercased(), $0.payloadType.value) }, uniquingKeysWith: { first, _ in first })
            out += negotiate(subscriber, slot: slot, subscriberPayloadTypes: names, subscriberExtensions: Self.extensionIDs(section.headerExtensions))
        }
        return out
    }

    /// Maps the publisher's payload types to the subscriber's by codec name and, when new or changed, tells the
    /// media layer.
    mutating func negotiate(_ subscriber: ParticipantSID, slot: DownTrackSlot, subscriberPayloadTypes: [String: UInt8],
                            subscriberExtensions: [String: UInt8]) -> [SignalAction] {
        guard let published = publishedMedia[slot.track], let target = media[subscriber]?.downTarget else { return [] }
        var map: [UInt8: UInt8] = [:]
        for (publisherPT, name) in published.codecs where name != "rtx" {
            if let match = subscriberPayloadTypes[name] { map[publisherPT] = match }
        }
        var extensionIDs: [UInt8: UInt8] = [:]
        for (publisherID, uri) in published.extensions {
            if let subscriberID = subscriberExtensions[uri] { extensionIDs[publisherID] = subscriberID }
        }
        let maps = NegotiatedMaps(payloadTypes: map, extensionIDs: extensionIDs)
        guard !map.isEmpty, slot.negotiated != maps else { return [] }
        media[subscriber]?.downTracks[slot.track]?.negotiated = maps
        let clockRate = published.clockRates.values.first ?? (slot.kind == .audio ? 48_000 : 90_000)
        return [.downTrackNegotiated(subscriber, target, NegotiatedDownTrack(
            track: slot.track, kind: slot.kind, ssrc: slot.ssrc, payloadTypes: map, clockRate: clockRate, extensionIDs: extensionIDs
        ))]
    }

    /// URI → id of the end-to-end extensions among `extMaps` (one-byte ids only, 1–14, as the forwarder writes).
    static func extensionIDs(_ extMaps: [ExtMap]) -> [String: UInt8] {
        var ids: [String: UInt8] = [:]
        for extMap in extMaps where RTPHeaderExtensionURI.forwardedEndToEnd.contains(extMap.uri) && (1...14).contains(extMap.id) {
            ids[extMap.uri] = UInt8(extMap.id)
        }
        return ids
    }

    /// Records the SSRCs and codecs of tracks this offer publishes.
    mutating func recordPublishedMedia(_ sid: ParticipantSID, offer: SessionDescription) -> [SignalAction] {
        guard let participant = rooms.participants[sid] else { return [] }
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
            func extensionID(_ uri: String) -> UInt8? {
                section.extMaps.first { $0.uri == uri }.flatMap { UInt8(exactly: $0.id) }
            }
            var media = PublishedTrackMedia(
                track: track.sid, kind: track.kind, ssrcs: section.ssrcs.filter { !repair.contains($0) }, codecs: codecs,
                clockRates: rates.isEmpty ? clockRates : rates, mid: section.mid?.rawValue,
                rids: section.rids.filter { $0.direction == .send }.map(\.id.rawValue),
                midExtensionID: extensionID(RTPHeaderExtensionURI.mid), ridExtensionID: extensionID(RTPHeaderExtensionURI.rtpStreamID),
                repairedRIDExtensionID: extensionID(RTPHeaderExtensionURI.repairedRTPStreamID),
                layerSizes: track.layers.map { (quality: $0.quality.rawValue, width: $0.width, height: $0.height) }
            )
            media.extensions = Dictionary(Self.extensionIDs(section.extMaps).map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
            publishedMedia[track.sid] = media
            publishedSections[track.sid] = section
            out.append(.publisherTrackMedia(sid, media))
        }
        return out
    }
}
