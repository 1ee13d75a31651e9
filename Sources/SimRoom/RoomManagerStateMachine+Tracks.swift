import SimCore

extension RoomManagerStateMachine {
    mutating func addTrack(_ connection: ConnectionID, _ p: AddTrackParameters, into out: inout [RoomAction]) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        guard let kind = p.kind else {
            out.append(.send(connection, .requestResponse(.addTrack(cid: p.cid), .unsupportedType, message: "unsupported track type")))
            return
        }
        guard participant.permission.allowsPublishing(p.source) else {
            out.append(.log(record("track.rejected", participant, detail: ["cid": .string(p.cid), "why": "not allowed"])))
            out.append(.send(connection, .requestResponse(.addTrack(cid: p.cid), .notAllowed, message: "does not have permission to publish")))
            return
        }
        if participant.tracks.contains(where: { $0.cid == p.cid || $0.alternateCIDs.contains(p.cid) }) {
            out.append(.send(connection, .requestResponse(.addTrack(cid: p.cid), .queued, message: "track already pending or published")))
            return
        }
        let track = Track(
            sid: sids.trackSID(kindLetter: kind.sidLetter, sourceLetter: p.source.sidLetter), cid: p.cid,
            name: p.name, kind: kind, source: p.source, muted: p.muted, width: p.width, height: p.height,
            layers: p.layers, stream: p.stream, disableRED: p.disableRED, alternateCIDs: p.alternateCIDs
        )
        participant.tracks.append(track)
        participants[sid] = participant
        out.append(.log(record("track.added", participant, detail: ["cid": .string(p.cid), "track": .string(track.sid.rawValue)])))
        out.append(.send(connection, .trackPublished(cid: p.cid, track: track)))
        // The offer may have come first (reference §8.7): complete from the sections it left unmatched.
        if let waiting = unmatchedSections[sid], !waiting.isEmpty {
            unmatchedSections[sid] = []
            offerReceived(connection, waiting, unpublishMissing: false, into: &out)
        }
    }

    mutating func offerReceived(
        _ connection: ConnectionID, _ sections: [OfferedTrackSection], unpublishMissing: Bool = true,
        into out: inout [RoomAction]
    ) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        var published: [TrackSID] = []
        var unmatched: [OfferedTrackSection] = []
        for section in sections {
            // Match by msid track id == cid, then a simulcast-codec cid, then the first pending track of the kind.
            let index = participant.tracks.firstIndex { $0.cid == section.trackID && section.trackID != nil }
                ?? participant.tracks.firstIndex { section.trackID.map($0.alternateCIDs.contains) ?? false }
                ?? participant.tracks.firstIndex { $0.state == .pending && $0.kind == section.kind && !participant.tracks.contains { $0.cid == section.trackID } }
            guard let index else {
                unmatched.append(section)
                continue
            }
            guard participant.tracks[index].state == .pending else { continue }
            participant.tracks[index].state = .published
            participant.tracks[index].mid = section.mid
            participant.tracks[index].mimeType = section.mimeType
            participant.tracks[index].version += 1
            for (layer, rid) in zip(participant.tracks[index].layers.indices, section.rids) {
                participant.tracks[index].layers[layer].rid = rid
            }
            published.append(participant.tracks[index].sid)
        }
        var removed: [Track] = []
        if unpublishMissing {
            let sending = Set(sections.map(\.mid))
            removed = participant.tracks.filter { $0.state == .published && !$0.mid.isEmpty && !sending.contains($0.mid) }
            participant.tracks.removeAll { track in removed.contains { $0.sid == track.sid } }
        }
        unmatchedSections[sid, default: []].append(contentsOf: unmatched)
        guard !published.isEmpty || !removed.isEmpty else { return }
        participant.version += 1
        participants[sid] = participant
        for track in participant.tracks where published.contains(track.sid) {
            var detail: [String: EventValue] = [
                "track": .string(track.sid.rawValue), "cid": .string(track.cid), "kind": .string(track.kind.rawValue),
                "mid": .string(track.mid), "mime": .string(track.mimeType),
            ]
            // An agent's publication can be told apart in triggers (`detail: {participant_kind: agent}`).
            if participant.kind == 4 { detail["participant_kind"] = "agent" }
            out.append(.log(record("track.published", participant, detail: detail)))
            out.append(.notify(.trackPublished(room: participant.room, participant: sid, identity: participant.identity, track: track.sid, kind: track.kind)))
        }
        for track in removed {
            out.append(.log(record("track.unpublished", participant, detail: ["track": .string(track.sid.rawValue)])))
            unpublished(track.sid, in: participant.room, into: &out)
        }
        broadcast(participant, into: &out)
        for track in published {
            for other in participants(in: participant.room) where other.sid != sid {
                autoSubscribe(other.sid, to: track, into: &out)
            }
        }
    }

    /// A track is no longer published: its subscribers stop getting it and forget it, and the shell forgets what it
    /// kept for forwarding it (`trackRemoved`).
    mutating func unpublished(_ track: TrackSID, in room: RoomName, into out: inout [RoomAction]) {
        for var other in participants(in: room) where other.desiredSubscriptions.contains(track) || other.subscribed.contains(track) {
            if other.subscribed.remove(track) != nil { out.append(.stopForwarding(subscriber: other.sid, track: track)) }
            other.desiredSubscriptions.remove(track)
            participants[other.sid] = other
        }
        out.append(.trackRemoved(track))
    }

    /// Adds `track` to what `subscriber` wants if it auto-subscribes, then subscribes if both ends are ready.
    mutating func autoSubscribe(_ subscriber: ParticipantSID, to track: TrackSID, into out: inout [RoomAction]) {
        guard var participant = participants[subscriber], participant.autoSubscribe, participant.permission.canSubscribe,
              !participant.declinedSubscriptions.contains(track) else { return }
        participant.desiredSubscriptions.insert(track)
        participants[subscriber] = participant
        trySubscribe(subscriber, to: track, into: &out)
    }

    /// Subscribes when the subscriber is ACTIVE, may subscribe, wants the track, and the track is published.
    mutating func trySubscribe(_ subscriber: ParticipantSID, to track: TrackSID, into out: inout [RoomAction]) {
        guard var participant = participants[subscriber], participant.state == .active, participant.permission.canSubscribe,
              participant.desiredSubscriptions.contains(track), !participant.subscribed.contains(track),
              let (owner, index) = locate(track, in: participant.room), owner.sid != subscriber,
              owner.tracks[index].state == .published else { return }
        let firstSubscriber = !participants(in: participant.room).contains { $0.subscribed.contains(track) }
        participant.subscribed.insert(track)
        participants[subscriber] = participant
        out.append(.log(record("track.subscribed", participant, detail: ["track": .string(track.rawValue), "publisher": .string(owner.sid.rawValue)])))
        out.append(.startForwarding(subscriber: subscriber, track: track))
        if firstSubscriber, let connection = owner.connection { out.append(.send(connection, .trackSubscribed(track))) }
    }

    /// The owner and index of a track in a room.
    func locate(_ track: TrackSID, in room: RoomName) -> (Participant, Int)? {
        for participant in participants(in: room) {
            if let index = participant.trackIndex(track) { return (participant, index) }
        }
        return nil
    }

    /// Subscribes to or unsubscribes from `tracks` (each once, in order). Linear in the list: the participant's sets
    /// are changed in place in the dictionary (a copy taken out and written back made every insert copy the whole
    /// set, so a frame naming 50,000 unknown SIDs held the lock for seconds).
    mutating func updateSubscriptions(_ sid: ParticipantSID, _ tracks: [TrackSID], subscribe: Bool, into out: inout [RoomAction]) {
        guard participants[sid] != nil else { return }
        var seen = Set<TrackSID>()
        for track in tracks where seen.insert(track).inserted {
            if subscribe {
                participants[sid]!.desiredSubscriptions.insert(track)
                participants[sid]!.declinedSubscriptions.remove(track)
                trySubscribe(sid, to: track, into: &out)
            } else {
                participants[sid]!.desiredSubscriptions.remove(track)
                participants[sid]!.declinedSubscriptions.insert(track)
                if participants[sid]!.subscribed.remove(track) != nil, let participant = participants[sid] {
                    out.append(.log(record("track.unsubscribed", participant, detail: ["track": .string(track.rawValue)])))
                    out.append(.stopForwarding(subscriber: sid, track: track))
                }
            }
        }
        guard let participant = participants[sid] else { return }
        out.append(.log(record("subscription.updated", participant, detail: [
            "tracks": .strings(tracks.map(\.rawValue)), "subscribe": .bool(subscribe),
        ])))
    }

    mutating func trackSettings(_ connection: ConnectionID, _ tracks: [TrackSID], _ settings: TrackSettings, into out: inout [RoomAction]) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        for track in tracks { participant.trackSettings[track] = settings }
        participants[sid] = participant
        out.append(.log(record("track.settings", participant, detail: [
            "tracks": .strings(tracks.map(\.rawValue)), "disabled": .bool(settings.disabled),
            "quality": .int(Int64(settings.quality.rawValue)), "width": .int(Int64(settings.width)),
            "height": .int(Int64(settings.height)), "fps": .int(Int64(settings.fps)),
        ])))
    }

    /// Sets a track's mute state and tells everyone, the publisher included.
    mutating func setMuted(_ sid: ParticipantSID, track: TrackSID, muted: Bool, into out: inout [RoomAction]) -> Track? {
        guard var participant = participants[sid], let index = participant.trackIndex(track) else { return nil }
        participant.tracks[index].muted = muted
        participant.tracks[index].version += 1
        participant.version += 1
        participants[sid] = participant
        out.append(.log(record("track.muted", participant, detail: ["track": .string(track.rawValue), "muted": .bool(muted)])))
        broadcast(participant, includingSelf: true, into: &out)
        return participant.tracks[index]
    }

    mutating func clientMute(_ connection: ConnectionID, _ track: TrackSID, _ muted: Bool, into out: inout [RoomAction]) {
        guard let sid = connections[connection] else { return }
        if setMuted(sid, track: track, muted: muted, into: &out) == nil {
            out.append(.send(connection, .requestResponse(.mute(track), .notFound, message: "track not found")))
        }
    }

    mutating func clientMetadata(
        _ connection: ConnectionID, metadata: String, name: String, attributes: [String: String], requestID: UInt32,
        into out: inout [RoomAction]
    ) {
        guard let sid = connections[connection], let participant = participants[sid] else { return }
        guard participant.permission.canUpdateMetadata else {
            out.append(.log(record("participant.metadata_rejected", participant)))
            out.append(.send(connection, .requestResponse(.updateMetadata(requestID: requestID), .notAllowed, message: "does not have permission to update own metadata")))
            return
        }
        if let violation = configuration.limits.participantViolation(name: name, metadata: metadata, attributes: attributes) {
            out.append(.log(record("participant.metadata_rejected", participant, detail: ["why": .string(violation.errorText)])))
            out.append(.send(connection, .requestResponse(.updateMetadata(requestID: requestID), .limitExceeded, message: violation.requestResponseMessage)))
            return
        }
        applyMetadata(sid, metadata: metadata.isEmpty ? nil : metadata, name: name.isEmpty ? nil : name, attributes: attributes, into: &out)
        if participant.protocolVersion > 14 {
            out.append(.send(connection, .requestResponse(.updateMetadata(requestID: requestID), .ok, message: "")))
        }
    }

    /// Applies metadata, name and attribute changes (an empty attribute value deletes it) and tells everyone.
    mutating func applyMetadata(_ sid: ParticipantSID, metadata: String?, name: String?, attributes: [String: String], into out: inout [RoomAction]) {
        guard var participant = participants[sid] else { return }
        if let metadata { participant.metadata = metadata }
        if let name { participant.name = name }
        for (key, value) in attributes {
            participant.attributes[key] = value.isEmpty ? nil : value
        }
        participant.version += 1
        participants[sid] = participant
        out.append(.log(record("participant.metadata", participant, detail: [
            "metadata": .string(participant.metadata), "name": .string(participant.name),
        ])))
        broadcast(participant, includingSelf: true, into: &out)
    }
}
