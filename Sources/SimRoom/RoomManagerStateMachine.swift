import Foundation
import SimCore

/// The room model for the whole server: rooms, participants, tracks and subscriptions.
///
/// Pure and deterministic: events (and admin calls) go in with the wall time, ordered actions come out; SIDs come
/// from a seeded generator. It knows nothing of protobuf, sockets or SDP text. Timers are actions; the shell feeds
/// them back as `timerFired` (see `RoomTimer`).
public struct RoomManagerStateMachine: Sendable {
    /// What the `disconnect_signal_on_resume*` simulations armed.
    enum ResumeFault: Sendable, Equatable {
        /// Send the resume messages, then close.
        case closeAfterMessages
        /// Close before any message, `remaining` more times.
        case closeBeforeMessages(remaining: Int)
    }

    /// Settings.
    public let configuration: RoomManagerConfiguration
    /// Rooms by name.
    public internal(set) var rooms: [RoomName: Room] = [:]
    /// Live participants by SID.
    public internal(set) var participants: [ParticipantSID: Participant] = [:]
    var connections: [ConnectionID: ParticipantSID] = [:]
    var sids: SIDGenerator
    var generation: UInt64 = 0
    var roomTimerGeneration: [RoomName: UInt64] = [:]
    var signalTimerGeneration: [ParticipantSID: UInt64] = [:]
    var resumeFaults: [ParticipantSID: ResumeFault] = [:]
    /// Scenario switches (refused resumes, SID kept on rejoin).
    public var policies = RoomPolicies()
    /// Per-room switches (a scenario selected by a connection of that room); they replace `policies` there.
    public var roomPolicies: [RoomName: RoomPolicies] = [:]

    /// The switches in force in `room`.
    public func policies(in room: RoomName) -> RoomPolicies { roomPolicies[room] ?? policies }
    var unmatchedSections: [ParticipantSID: [OfferedTrackSection]] = [:]

    /// A model with `configuration`, minting SIDs from `seed`.
    public init(configuration: RoomManagerConfiguration = RoomManagerConfiguration(), seed: UInt64) {
        self.configuration = configuration
        self.sids = SIDGenerator(seed: seed)
    }

    // MARK: Queries

    /// The participant bound to a signal connection.
    public func participant(connection: ConnectionID) -> Participant? {
        connections[connection].flatMap { participants[$0] }
    }

    /// The live participant with `identity` in `room`.
    public func participant(room: RoomName, identity: Identity) -> Participant? {
        rooms[room]?.participants.lazy.compactMap { participants[$0] }.first { $0.identity == identity }
    }

    /// Live participants of a room in join order.
    public func participants(in room: RoomName) -> [Participant] {
        rooms[room]?.participants.compactMap { participants[$0] } ?? []
    }

    /// The room with current counters, if it exists.
    public func room(_ name: RoomName) -> Room? {
        guard var room = rooms[name] else { return nil }
        room.numPublishers = UInt32(participants(in: name).filter(\.isPublisher).count)
        return room
    }

    /// Whether a join to `room` can proceed (it exists, or auto-create is on).
    public func acceptsJoin(room: RoomName) -> Bool { configuration.autoCreate || rooms[room] != nil }

    // MARK: Events

    /// Applies one event; returns what the shell must do, in order.
    public mutating func handle(_ event: RoomEvent, wall: Date) -> [RoomAction] {
        var out: [RoomAction] = []
        switch event {
        case .joinRequested(let parameters): join(parameters, wall: wall, into: &out)
        case .resumeRequested(let connection, let room, let identity, _):
            resume(connection, room: room, identity: identity, into: &out)
        case .addTrackRequested(let connection, let parameters): addTrack(connection, parameters, into: &out)
        case .publisherOfferReceived(let connection, let sections): offerReceived(connection, sections, into: &out)
        case .muteRequested(let connection, let track, let muted): clientMute(connection, track, muted, into: &out)
        case .subscriptionUpdateRequested(let connection, let tracks, let subscribe):
            if let sid = connections[connection] { updateSubscriptions(sid, tracks, subscribe: subscribe, into: &out) }
        case .trackSettingsUpdated(let connection, let tracks, let settings):
            trackSettings(connection, tracks, settings, into: &out)
        case .metadataUpdateRequested(let connection, let metadata, let name, let attributes, let requestID):
            clientMetadata(connection, metadata: metadata, name: name, attributes: attributes, requestID: requestID, into: &out)
        case .leaveRequested(let connection):
            if let sid = connections[connection] {
                remove(sid, reason: .clientInitiated, leave: LeaveNotice(reason: .clientInitiated, action: .disconnect), into: &out)
            }
        case .connectionClosed(let connection): connectionClosed(connection, into: &out)
        case .transportConnected(let sid): transportConnected(sid, into: &out)
        case .simulateRequested(let connection, let scenario): simulate(connection, scenario, into: &out)
        case .leaveCommanded(let connection, let notice): leaveCommanded(connection, notice, into: &out)
        case .syncStateReceived(let connection, let tracks): syncState(connection, tracks, into: &out)
        case .publishDataTrackRequested(let connection, let request): publishDataTrack(connection, request, into: &out)
        case .unpublishDataTrackRequested(let connection, let handle): unpublishDataTrack(connection, handle: handle, into: &out)
        case .dataSubscriptionUpdateRequested(let connection, let changes): updateDataSubscriptions(connection, changes, into: &out)
        case .timerFired(let timer): timerFired(timer, into: &out)
        }
        return out
    }

    // MARK: Join, resume, leave

    mutating func join(_ p: JoinParameters, wall: Date, into out: inout [RoomAction]) {
        if rooms[p.room] == nil {
            guard configuration.autoCreate else {
                out.append(.send(p.connection, .leave(LeaveNotice(reason: .joinFailure, action: .disconnect))))
                out.append(.closeConnection(p.connection, reason: "requested room does not exist"))
                return
            }
            createRoom(named: p.room, agents: p.roomAgents, wall: wall, into: &out)
        }
        guard var room = rooms[p.room] else { return }
        var keptSID: ParticipantSID?
        if let old = participant(room: p.room, identity: p.identity) {
            // Reference §3.8: kick the old session first, so others see DISCONNECTED(old) before the new info.
            remove(old.sid, reason: .duplicateIdentity, leave: LeaveNotice(reason: .duplicateIdentity, action: .disconnect), into: &out)
            room = rooms[p.room] ?? room
            if policies(in: p.room).keepSIDOnRejoin.contains(p.identity) { keptSID = old.sid }
        }
        // Agents and egress are dependent (LiveKit `IsDependent`): they neither count towards the limit nor keep a
        // room open.
        let dependent = Participant.isDependent(kind: p.kind)
        let counted = room.participants.filter { participants[$0]?.isDependent == false }.count
        if room.maxParticipants > 0, !dependent, counted >= Int(room.maxParticipants) {
            out.append(.send(p.connection, .leave(LeaveNotice(reason: .joinFailure, action: .disconnect))))
            out.append(.closeConnection(p.connection, reason: "room is full"))
            return
        }
        let sid = keptSID ?? sids.participantSID()
        var participant = Participant(
            sid: sid, identity: p.identity, room: p.room, name: p.name, metadata: p.metadata,
            attributes: p.attributes, state: .joining, permission: p.permission, kind: p.kind, joinedAt: wall,
            version: 1, tracks: [], protocolVersion: p.protocolVersion, clientProtocol: p.clientProtocol,
            mode: p.mode, autoSubscribe: p.autoSubscribe, desiredSubscriptions: [], declinedSubscriptions: [],
            subscribed: [], trackSettings: [:], disconnectReason: .unknown, connection: p.connection
        )
        participant.capabilities = p.capabilities
        participant.autoSubscribeDataTracks = p.autoSubscribeDataTracks
        let others = participants(in: p.room).filter { !$0.permission.hidden }
        if p.autoSubscribe, p.permission.canSubscribe {
            for other in others { participant.desiredSubscriptions.formUnion(other.publishedTracks.map(\.sid)) }
        }
        room.participants.append(sid)
        rooms[p.room] = room
        participants[sid] = participant
        connections[p.connection] = sid
        if !dependent { cancelRoomTimer(p.room, into: &out) }
        out.append(.log(record("participant.joining", participant, detail: ["mode": .string(p.mode.rawValue)])))
        out.append(.send(p.connection, .join(
            room: self.room(p.room) ?? room, participant: participant, others: others,
            subscriberPrimary: p.mode == .dualPC && p.permission.canSubscribe
        )))
        // JOINED once the JoinResponse is queued: the writer sends it before anything queued after it.
        setState(sid, .joined, into: &out)
    }

    mutating func resume(_ connection: ConnectionID, room: RoomName, identity: Identity, into out: inout [RoomAction]) {
        guard !policies(in: room).refuseResume.contains(identity) else {
            out.append(.log(EventRecord(kind: "participant.resume_refused", connection: connection, room: room, identity: identity,
                                        detail: ["why": "policy: refuse_resume"])))
            out.append(.send(connection, .leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))))
            out.append(.closeConnection(connection, reason: "resume refused"))
            return
        }
        guard var participant = participant(room: room, identity: identity) else {
            out.append(.log(EventRecord(kind: "participant.resume_refused", connection: connection, room: room, identity: identity)))
            out.append(.send(connection, .leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))))
            out.append(.closeConnection(connection, reason: "participant not found"))
            return
        }
        if case .closeBeforeMessages(let remaining) = resumeFaults[participant.sid] {
            resumeFaults[participant.sid] = remaining > 1 ? .closeBeforeMessages(remaining: remaining - 1) : nil
            out.append(.log(record("participant.resume_dropped", participant, detail: ["simulated": "disconnect_signal_on_resume_no_messages"])))
            out.append(.closeConnection(connection, reason: "simulated: disconnect_signal_on_resume_no_messages"))
            return
        }
        if let old = participant.connection, old != connection {
            connections[old] = nil
            out.append(.closeConnection(old, reason: "resumed on another connection"))
        }
        participant.connection = connection
        participants[participant.sid] = participant
        connections[connection] = participant.sid
        signalTimerGeneration[participant.sid] = nil
        out.append(.log(record("participant.resumed", participant)))
        out.append(.send(connection, .reconnect))
        out.append(.send(connection, .update(participants(in: room).filter { !$0.permission.hidden || $0.sid == participant.sid })))
        if let snapshot = self.room(room) { out.append(.send(connection, .roomUpdate(snapshot))) }
        if resumeFaults[participant.sid] == .closeAfterMessages {
            resumeFaults[participant.sid] = nil
            out.append(.closeConnection(connection, reason: "simulated: disconnect_signal_on_resume"))
        }
    }

    mutating func connectionClosed(_ connection: ConnectionID, into out: inout [RoomAction]) {
        guard let sid = connections.removeValue(forKey: connection), var participant = participants[sid] else { return }
        guard participant.connection == connection else { return }
        participant.connection = nil
        participants[sid] = participant
        generation += 1
        signalTimerGeneration[sid] = generation
        out.append(.log(record("participant.signal_lost", participant)))
        out.append(.armTimer(.signalLost(sid, generation: generation), after: configuration.signalLossTimeout))
    }

    /// Removes a participant: optional LeaveRequest and close, DISCONNECTED to the others, subscriptions torn down.
    mutating func remove(_ sid: ParticipantSID, reason: DisconnectReason, leave: LeaveNotice?, close: Bool = true, into out: inout [RoomAction]) {
        guard var participant = participants[sid] else { return }
        if let connection = participant.connection {
            if let leave { out.append(.send(connection, .leave(leave))) }
            if close { out.append(.closeConnection(connection, reason: "participant removed")) }
            connections[connection] = nil
        }
        participant.connection = nil
        participant.state = .disconnected
        participant.disconnectReason = reason
        participant.version += 1
        participants[sid] = nil
        signalTimerGeneration[sid] = nil
        resumeFaults[sid] = nil
        unmatchedSections[sid] = nil
        for track in participant.subscribed { out.append(.stopForwarding(subscriber: sid, track: track)) }
        let trackSIDs = Set(participant.tracks.map(\.sid))
        for other in participants(in: participant.room) {
            var other = other
            for track in other.subscribed.intersection(trackSIDs) { out.append(.stopForwarding(subscriber: other.sid, track: track)) }
            other.subscribed.subtract(trackSIDs)
            other.desiredSubscriptions.subtract(trackSIDs)
            participants[other.sid] = other
        }
        dropDataSubscriptions(to: Set(participant.dataTracks.map(\.sid)), in: participant.room, into: &out)
        for track in participant.tracks { out.append(.trackRemoved(track.sid)) }
        rooms[participant.room]?.participants.removeAll { $0 == sid }
        out.append(.log(record("participant.disconnected", participant, detail: ["reason": .int(Int64(reason.rawValue))])))
        out.append(.participantRemoved(sid))
        out.append(.notify(.participantLeft(room: participant.room, participant: sid, identity: participant.identity, kind: participant.kind)))
        broadcast(participant, into: &out)
        // The room's departure timer starts when the last participant that keeps it open leaves; agents left
        // behind are removed when it closes.
        if !participant.isDependent, let room = rooms[participant.room], onlyDependents(in: participant.room) {
            armRoomTimer(participant.room, seconds: room.departureTimeout, into: &out)
        }
    }

    mutating func transportConnected(_ sid: ParticipantSID, into out: inout [RoomAction]) {
        guard let participant = participants[sid], participant.state < .active else { return }
        setState(sid, .active, into: &out)
        for other in participants(in: participant.room) where other.sid != sid {
            for track in other.publishedTracks { autoSubscribe(sid, to: track.sid, into: &out) }
            // Others who already wanted this participant's tracks start receiving once both ends are active.
            for track in participant.publishedTracks where other.desiredSubscriptions.contains(track.sid) {
                trySubscribe(other.sid, to: track.sid, into: &out)
            }
        }
        for track in participants[sid]?.desiredSubscriptions ?? [] { trySubscribe(sid, to: track, into: &out) }
        autoSubscribeToDataTracks(sid, into: &out)
    }

    mutating func setState(_ sid: ParticipantSID, _ state: ParticipantState, into out: inout [RoomAction]) {
        guard var participant = participants[sid], participant.state < state else { return }
        participant.state = state
        participant.version += 1
        participants[sid] = participant
        out.append(.log(record("participant.\(state.name)", participant)))
        if state == .active {
            out.append(.notify(.participantActive(room: participant.room, participant: sid, identity: participant.identity)))
        }
        broadcast(participant, into: &out)
    }

    // MARK: Helpers

    /// Sends `participant`'s full info to everyone else in its room (never to itself; hidden ones never).
    mutating func broadcast(_ participant: Participant, includingSelf: Bool = false, into out: inout [RoomAction]) {
        if participant.permission.hidden {
            if includingSelf, let connection = participant.connection { out.append(.send(connection, .update([participant]))) }
            return
        }
        for other in participants(in: participant.room) where other.sid != participant.sid || includingSelf {
            if let connection = other.connection { out.append(.send(connection, .update([participant]))) }
        }
    }

    func record(_ kind: String, _ participant: Participant, detail: [String: EventValue] = [:]) -> EventRecord {
        EventRecord(kind: kind, connection: participant.connection, room: participant.room,
                    participant: participant.sid, identity: participant.identity, detail: detail)
    }

    /// Whether nobody in `room` keeps it open (it is empty, or holds only agents and egress).
    func onlyDependents(in room: RoomName) -> Bool {
        rooms[room]?.participants.allSatisfy { participants[$0]?.isDependent ?? true } ?? true
    }

    mutating func createRoom(named name: RoomName, agents: [RoomAgentRequest] = [], wall: Date, into out: inout [RoomAction]) {
        let room = Room(
            sid: sids.roomSID(), name: name, emptyTimeout: configuration.emptyTimeout,
            departureTimeout: configuration.departureTimeout, maxParticipants: 0, creationTime: wall,
            metadata: "", participants: [], numPublishers: 0, version: 1
        )
        rooms[name] = room
        out.append(.log(EventRecord(kind: "room.created", room: name, detail: ["sid": .string(room.sid.rawValue)])))
        out.append(.notify(.roomCreated(room: name, agents: agents)))
    }

    mutating func armRoomTimer(_ name: RoomName, seconds: UInt32, into out: inout [RoomAction]) {
        generation += 1
        roomTimerGeneration[name] = generation
        out.append(.armTimer(.roomIdle(name, generation: generation), after: .seconds(Int64(seconds))))
    }

    mutating func cancelRoomTimer(_ name: RoomName, into out: inout [RoomAction]) {
        if let generation = roomTimerGeneration.removeValue(forKey: name) {
            out.append(.cancelTimer(.roomIdle(name, generation: generation)))
        }
    }

    mutating func closeRoom(_ name: RoomName, into out: inout [RoomAction]) {
        guard let room = rooms.removeValue(forKey: name) else { return }
        roomTimerGeneration[name] = nil
        out.append(.log(EventRecord(kind: "room.closed", room: name, detail: ["sid": .string(room.sid.rawValue)])))
        out.append(.notify(.roomClosed(room: name)))
    }

    mutating func timerFired(_ timer: RoomTimer, into out: inout [RoomAction]) {
        switch timer {
        case .roomIdle(let name, let generation):
            guard roomTimerGeneration[name] == generation, onlyDependents(in: name), let room = rooms[name] else { return }
            for sid in room.participants {
                remove(sid, reason: .roomClosed, leave: LeaveNotice(reason: .roomClosed, action: .disconnect), into: &out)
            }
            closeRoom(name, into: &out)
        case .signalLost(let sid, let generation):
            guard signalTimerGeneration[sid] == generation, participants[sid]?.connection == nil else { return }
            remove(sid, reason: .signalClose, leave: nil, into: &out)
        case .speakerOff(let sid):
            guard let participant = participants[sid] else { return }
            sendToRoom(participant.room, .speakersChanged([SpeakerLevel(participant: sid, level: 0, active: false)]), into: &out)
        case .resumeFaultWindow(let sid):
            resumeFaults[sid] = nil
        }
    }

    func sendToRoom(_ room: RoomName, _ message: ServerMessage, into out: inout [RoomAction]) {
        for participant in participants(in: room) {
            if let connection = participant.connection { out.append(.send(connection, message)) }
        }
    }
}

extension RoomManagerStateMachine {
    /// The participant that publishes `track`, in any room.
    public func publisher(of track: TrackSID) -> Participant? {
        participants.values.first { $0.trackIndex(track) != nil }
    }
}
