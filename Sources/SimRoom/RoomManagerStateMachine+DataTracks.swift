import SimCore

/// Data tracks (reference: data channels §3). A publisher names each track with a handle of its own; the server
/// gives each subscriber a handle of the subscriber's own and tells it the whole map (`DataTrackSubscriberHandles`)
/// whenever it changes. Subscription is automatic for ACTIVE participants unless they opted out, as LiveKit does;
/// `UpdateDataSubscription` subscribes and unsubscribes explicitly.
extension RoomManagerStateMachine {
    mutating func publishDataTrack(_ connection: ConnectionID, _ request: DataTrackRequest, into out: inout [RoomAction]) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        func refuse(_ outcome: RequestOutcome, _ message: String) {
            out.append(.log(record("data_track.refused", participant, detail: [
                "name": .string(request.name), "handle": .int(Int64(request.handle)), "why": .string(message),
            ])))
            out.append(.send(connection, .requestResponse(.publishDataTrack(request), outcome, message: message)))
        }
        guard participant.permission.canPublishData else { return refuse(.notAllowed, "does not have permission to publish data") }
        guard (1...65_535).contains(request.handle) else { return refuse(.invalidHandle, "handle should be > 0 AND < 65536") }
        guard (1...256).contains(request.name.count) else {
            return refuse(.invalidName, "name should not be empty and should not exceed 256 characters")
        }
        if participant.dataTracks.contains(where: { $0.handle == UInt16(request.handle) }) {
            return refuse(.duplicateHandle, "a data track with same handle already exists")
        }
        if participant.dataTracks.contains(where: { $0.name == request.name }) {
            return refuse(.duplicateName, "a data track with same name already exists")
        }
        let track = DataTrack(
            sid: TrackSID(sids.make(prefix: "DTR_")), handle: UInt16(request.handle), name: request.name,
            encryption: request.encryption, frameEncoding: request.frameEncoding, schema: request.schema
        )
        participant.dataTracks.append(track)
        participant.version += 1
        participants[sid] = participant
        out.append(.log(record("data_track.published", participant, detail: [
            "track": .string(track.sid.rawValue), "name": .string(track.name), "handle": .int(Int64(track.handle)),
        ])))
        out.append(.send(connection, .dataTrackPublished(track)))
        broadcast(participant, into: &out)
        for other in participants(in: participant.room) where other.sid != sid && other.state == .active && other.autoSubscribeDataTracks {
            if subscribeToDataTracks(other.sid, [track.sid], into: &out) { sendDataTrackHandles(other.sid, into: &out) }
        }
    }

    mutating func unpublishDataTrack(_ connection: ConnectionID, handle: UInt32, into out: inout [RoomAction]) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        guard let index = participant.dataTracks.firstIndex(where: { UInt32($0.handle) == handle }) else {
            out.append(.send(connection, .requestResponse(.unpublishDataTrack(handle: handle), .notFound, message: "no data track with handle \(handle)")))
            return
        }
        let track = participant.dataTracks.remove(at: index)
        participant.version += 1
        participants[sid] = participant
        out.append(.log(record("data_track.unpublished", participant, detail: ["track": .string(track.sid.rawValue), "name": .string(track.name)])))
        out.append(.send(connection, .dataTrackUnpublished(track)))
        broadcast(participant, into: &out)
        dropDataSubscriptions(to: [track.sid], in: participant.room, into: &out)
    }

    mutating func updateDataSubscriptions(_ connection: ConnectionID, _ changes: [DataSubscriptionChange], into out: inout [RoomAction]) {
        guard let sid = connections[connection], var participant = participants[sid] else { return }
        var subscribe: [TrackSID] = []
        for change in changes {
            if change.subscribe {
                subscribe.append(change.track)
            } else if let handle = participant.dataSubscriptions.first(where: { $0.value == change.track })?.key {
                participant.dataSubscriptions[handle] = nil
                out.append(.log(record("data_track.unsubscribed", participant, detail: ["track": .string(change.track.rawValue)])))
            }
        }
        participants[sid] = participant
        _ = subscribeToDataTracks(sid, subscribe, into: &out)
        // The client waits for the map after any change it asked for, so it is sent even when nothing changed.
        sendDataTrackHandles(sid, into: &out)
    }

    /// A participant that just became ACTIVE takes every data track already in its room (unless it opted out).
    mutating func autoSubscribeToDataTracks(_ sid: ParticipantSID, into out: inout [RoomAction]) {
        guard let participant = participants[sid], participant.autoSubscribeDataTracks else { return }
        let tracks = participants(in: participant.room).filter { $0.sid != sid }.flatMap { $0.dataTracks.map(\.sid) }
        if subscribeToDataTracks(sid, tracks, into: &out) { sendDataTrackHandles(sid, into: &out) }
    }

    /// Gives `sid` a handle for each of `tracks` it may have and has not yet (unknown tracks and its own are
    /// skipped); true when its map changed (the caller sends it).
    private mutating func subscribeToDataTracks(_ sid: ParticipantSID, _ tracks: [TrackSID], into out: inout [RoomAction]) -> Bool {
        guard var participant = participants[sid], participant.permission.canSubscribe else { return false }
        var changed = false
        for track in tracks where !participant.dataSubscriptions.values.contains(track) {
            guard let publisher = dataTrackPublisher(track, in: participant.room), publisher.sid != sid else { continue }
            participant.lastDataHandle = participant.lastDataHandle == .max ? 1 : participant.lastDataHandle + 1
            participant.dataSubscriptions[participant.lastDataHandle] = track
            changed = true
            out.append(.log(record("data_track.subscribed", participant, detail: [
                "track": .string(track.rawValue), "handle": .int(Int64(participant.lastDataHandle)), "publisher": .string(publisher.identity.rawValue),
            ])))
        }
        participants[sid] = participant
        return changed
    }

    /// Removes every subscription to `tracks` in `room` (unpublished, or their publisher left), telling each
    /// subscriber its new map.
    mutating func dropDataSubscriptions(to tracks: Set<TrackSID>, in room: RoomName, into out: inout [RoomAction]) {
        guard !tracks.isEmpty else { return }
        for var other in participants(in: room) where other.dataSubscriptions.values.contains(where: tracks.contains) {
            other.dataSubscriptions = other.dataSubscriptions.filter { !tracks.contains($0.value) }
            participants[other.sid] = other
            sendDataTrackHandles(other.sid, into: &out)
        }
    }

    private func sendDataTrackHandles(_ sid: ParticipantSID, into out: inout [RoomAction]) {
        guard let participant = participants[sid], let connection = participant.connection else { return }
        out.append(.send(connection, .dataTrackHandles(dataTrackHandles(of: participant))))
    }

    /// A subscriber's handle map, by handle.
    func dataTrackHandles(of participant: Participant) -> [DataTrackHandle] {
        participant.dataSubscriptions.sorted { $0.key < $1.key }.compactMap { handle, track in
            dataTrackPublisher(track, in: participant.room).map {
                DataTrackHandle(handle: handle, publisherIdentity: $0.identity, publisher: $0.sid, track: track)
            }
        }
    }

    /// Where a frame `sender` sent with its handle `handle` goes: nil for a handle it has not published.
    public func dataTrackRoute(from sender: ParticipantSID, handle: UInt16) -> DataTrackRoute? {
        guard let publisher = participants[sender], let track = publisher.dataTracks.first(where: { $0.handle == handle }) else { return nil }
        let subscribers = participants(in: publisher.room).filter { $0.state == .active }.compactMap { other -> (ParticipantSID, UInt16)? in
            other.dataSubscriptions.first { $0.value == track.sid }.map { (other.sid, $0.key) }
        }
        return DataTrackRoute(track: track.sid, subscribers: subscribers.sorted { $0.0 < $1.0 }.map { (participant: $0.0, handle: $0.1) })
    }

    private func dataTrackPublisher(_ track: TrackSID, in room: RoomName) -> Participant? {
        participants(in: room).first { $0.dataTracks.contains { $0.sid == track } }
    }
}
