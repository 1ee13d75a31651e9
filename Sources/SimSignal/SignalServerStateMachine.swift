import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSDP

/// The LiveKit signalling engine for the whole server: per-connection sessions over the shared room model.
///
/// Pure: the shell hands it validated connects, decoded requests, closes and timer firings with the wall time,
/// and runs the returned actions in order. It maps room-model messages to protobuf for each recipient's protocol.
public struct SignalServerStateMachine: Sendable {
    /// Per-connection state.
    struct Session: Sendable {
        var plan: ConnectPlan
        var encoding: SignalEncoding = .binary
        /// Transports the media layer created before the participant existed (a v1 join carrying its offer).
        var openedTransports: [PeerTarget: LocalTransportParameters] = [:]
    }

    /// Settings.
    public let configuration: SignalConfiguration
    /// The room model.
    public internal(set) var rooms: RoomManagerStateMachine
    var sessions: [ConnectionID: Session] = [:]
    /// Media negotiation state per participant (survives a resume).
    var media: [ParticipantSID: ParticipantMedia] = [:]
    /// Dual-PC subscribers whose layout changed during this step: one offer each at the end of the step, once
    /// every publication it needs is recorded.
    var offersDue: Set<ParticipantSID> = []
    /// The data plane's per-sender and per-room memory (reliable sequences, recent user-packet nonces).
    var data = DataPlaneState()
    /// The publisher's SDP section per published track (the codec template of subscriber offers).
    var publishedSections: [TrackSID: MediaDescription] = [:]
    let keys: [APIKey: String]
    let nodeID: NodeID
    var random: SIDGenerator
    /// SSRCs and codecs of published tracks, from their publishers' offers.
    var publishedMedia: [TrackSID: PublishedTrackMedia] = [:]

    /// An engine with its own room model; `seed` fixes every SID and credential it mints.
    public init(configuration: SignalConfiguration, rooms: RoomManagerConfiguration, keys: [APIKey: String], seed: UInt64) {
        self.configuration = configuration
        self.rooms = RoomManagerStateMachine(configuration: rooms, seed: seed)
        self.keys = keys
        var random = SIDGenerator(seed: seed ^ 0x5F5F_5349_474E_414C)
        nodeID = NodeID(random.make(prefix: "ND_"))
        self.random = random
    }

    // MARK: Queries

    /// Room, participant and identity of a connection, for event-log context.
    public func context(for connection: ConnectionID) -> (room: RoomName, participant: ParticipantSID?, identity: Identity)? {
        guard let session = sessions[connection] else { return nil }
        return (session.plan.join.room, rooms.participant(connection: connection)?.sid, session.plan.join.identity)
    }

    /// The PeerConnection layout of `connection`.
    public func mode(for connection: ConnectionID) -> SignalMode? { sessions[connection]?.plan.join.mode }

    /// How frames on `connection` are encoded.
    public func encoding(for connection: ConnectionID) -> SignalEncoding { sessions[connection]?.encoding ?? .binary }

    /// The `ServerInfo` we report.
    var serverInfo: Livekit_ServerInfo {
        var info = Livekit_ServerInfo()
        info.edition = Livekit_ServerInfo.Edition(rawValue: 0) ?? .standard
        info.version = configuration.serverVersion
        info.protocol = configuration.protocolVersion
        info.region = configuration.region
        info.nodeID = nodeID.rawValue
        return info
    }

    // MARK: Events

    /// A validated WebSocket opened: join or resume, then apply what a v1 JoinRequest carried.
    /// `transports` are the media layer's ICE/DTLS identities created for this connection (a resumed participant
    /// keeps its own); targets without one get random well-formed parameters (signalling-only).
    public mutating func connectionOpened(_ connection: ConnectionID, plan: ConnectPlan, transports: [PeerTarget: LocalTransportParameters] = [:], wall: Date) -> [SignalAction] {
        let out = openConnection(connection, plan: plan, transports: transports, wall: wall)
        return out + flushSubscriberOffers()
    }

    private mutating func openConnection(_ connection: ConnectionID, plan: ConnectPlan, transports: [PeerTarget: LocalTransportParameters], wall: Date) -> [SignalAction] {
        var plan = plan
        plan.join.connection = connection
        sessions[connection] = Session(plan: plan, openedTransports: transports)
        var out: [SignalAction] = [plan.isVirtual ? nil : idleDeadline(connection)].compactMap { $0 } + [.log(EventRecord(
            kind: "connection.open", connection: connection, room: plan.join.room, identity: plan.join.identity,
            detail: [
                "path": .string(plan.path.rawValue), "mode": .string(plan.join.mode.rawValue), "resume": .bool(plan.isResume),
                "sdk": .string(plan.sdk), "protocol": .int(Int64(plan.join.protocolVersion)),
            ]
        ))]
        if plan.isResume {
            let actions = rooms.handle(.resumeRequested(connection, room: plan.join.room, identity: plan.join.identity, permission: plan.join.permission), wall: wall)
            let resumed = actions.contains(.send(connection, .reconnect))
            out += map(actions)
            out += bindMedia(connection)
            if resumed, sessions[connection] != nil, let sid = participant(of: connection), media[sid]?.transports[.subscriber] != nil {
                // Reference §3.9: the server restarts ICE on the PeerConnection it offers.
                media[sid]?.restartPending = true
                media[sid]?.offerInFlight = nil  // an answer to an offer made on the dead connection never comes
                out += subscriberOffer(sid)
            }
        } else {
            out += map(rooms.handle(.joinRequested(plan.join), wall: wall))
            guard rooms.participant(connection: connection) != nil else { return out }
            if plan.isVirtual { return out }
            out += bindMedia(connection)
            if let sid = participant(of: connection), media[sid]?.transports[.subscriber] != nil { out += subscriberOffer(sid) }
        }
        guard rooms.participant(connection: connection) != nil else { return out }
        out += refreshToken(connection, wall: wall)
        for track in plan.addTracks { out += map(rooms.handle(.addTrackRequested(connection, track), wall: wall)) }
        if let offer = plan.publisherOffer { out += publisherOffer(connection, sdp: offer.sdp, id: offer.id, wall: wall) }
        return out
    }

    /// A decoded request arrived on `connection`; `encoding` is the frame type it came in.
    public mutating func requestReceived(_ connection: ConnectionID, _ request: Livekit_SignalRequest, encoding: SignalEncoding, wall: Date) -> [SignalAction] {
        guard sessions[connection] != nil else { return [] }
        sessions[connection]?.encoding = encoding
        let idle = idleDeadline(connection)
        let out = [idle] + handleRequest(connection, request, wall: wall)
        return out + flushSubscriberOffers()
    }

    /// Any message from the client re-arms its idle deadline (LiveKit: the signal is "recent" within ping_timeout).
    func idleDeadline(_ connection: ConnectionID) -> SignalAction {
        .armTimer(.signalIdle(connection), after: .seconds(Int64(configuration.pingTimeout)))
    }

    mutating func handleRequest(_ connection: ConnectionID, _ request: Livekit_SignalRequest, wall: Date) -> [SignalAction] {
        let nowMs = Int64(wall.timeIntervalSince1970 * 1000)
        guard let message = request.message else {
            return [dropped(connection, "unknown or empty SignalRequest")]
        }
        switch message {
        case .ping:
            return [.send(connection, response(.pong(nowMs)))]
        case .pingReq(let ping):
            var pong = Livekit_Pong()
            pong.lastPingTimestamp = ping.timestamp
            pong.timestamp = nowMs
            return [.send(connection, response(.pongResp(pong)))]
        case .offer(let description):
            return publisherOffer(connection, sdp: description.sdp, id: description.id, wall: wall)
        case .answer(let description):
            if sessions[connection]?.plan.join.mode == .singlePC {
                return [dropped(connection, "answer on a single-PC connection: the server never offers")]
            }
            return subscriberAnswer(connection, sdp: description.sdp, id: description.id)
        case .trickle(let trickle):
            return remoteCandidate(connection, trickle)
        case .updateLayers, .subscriptionPermission, .updateAudioTrack, .updateVideoTrack:
            return []  // logged as signal.in.* by the shell; no signalling effect yet
        case .addTrack(let add):
            return map(rooms.handle(.addTrackRequested(connection, AddTrackParameters(proto: add)), wall: wall))
        case .mute(let mute):
            return map(rooms.handle(.muteRequested(connection, TrackSID(mute.sid), muted: mute.muted), wall: wall))
        case .subscription(let update):
            let tracks = update.trackSids + update.participantTracks.flatMap(\.trackSids)
            return map(rooms.handle(.subscriptionUpdateRequested(connection, trackSIDs: tracks.map(TrackSID.init), subscribe: update.subscribe), wall: wall))
        case .trackSetting(let update):
            var settings = TrackSettings()
            settings.disabled = update.disabled
            settings.quality = VideoQuality(rawValue: update.quality.rawValue) ?? .high
            settings.width = update.width
            settings.height = update.height
            settings.fps = update.fps
            settings.priority = update.priority
            return map(rooms.handle(.trackSettingsUpdated(connection, trackSIDs: update.trackSids.map(TrackSID.init), settings), wall: wall))
                + downTrackSettings(connection, update)
        case .updateMetadata(let update):
            return map(rooms.handle(.metadataUpdateRequested(connection, metadata: update.metadata, name: update.name, attributes: update.attributes, requestID: update.requestID), wall: wall))
        case .leave:
            return map(rooms.handle(.leaveRequested(connection), wall: wall))
        case .syncState(let state):
            return map(rooms.handle(.syncStateReceived(connection, publishedTrackSIDs: state.publishTracks.map { TrackSID($0.track.sid) }), wall: wall))
        case .publishDataTrackRequest(let publish):
            return map(rooms.handle(.publishDataTrackRequested(connection, DataTrackRequest(proto: publish)), wall: wall))
        case .unpublishDataTrackRequest(let unpublish):
            return map(rooms.handle(.unpublishDataTrackRequested(connection, handle: unpublish.pubHandle), wall: wall))
        case .updateDataSubscription(let update):
            let changes = update.updates.map { DataSubscriptionChange(track: TrackSID($0.trackSid), subscribe: $0.subscribe) }
            return map(rooms.handle(.dataSubscriptionUpdateRequested(connection, changes), wall: wall))
        case .simulate(let simulate):
            guard let scenario = SimulatedScenario(proto: simulate) else { return [dropped(connection, "empty SimulateScenario")] }
            var out = map(rooms.handle(.simulateRequested(connection, scenario), wall: wall))
            if case .switchCandidateProtocol(let value) = scenario { out += switchCandidateProtocol(connection, protocol: value) }
            return out
        }
    }

    /// A frame could not be decoded: close with a reason; the rest of the server is unaffected.
    public mutating func frameRejected(_ connection: ConnectionID, code: SignalCloseCode, reason: String) -> [SignalAction] {
        var context = EventRecord(kind: "signal.in.rejected", connection: connection, detail: ["reason": .string(reason), "code": .int(Int64(code.rawValue))])
        if let found = self.context(for: connection) {
            context.room = found.room
            context.participant = found.participant
            context.identity = found.identity
        }
        return [.log(context), .close(connection, code: code, reason: reason)]
    }

    /// The WebSocket closed.
    public mutating func connectionClosed(_ connection: ConnectionID, wall: Date) -> [SignalAction] {
        guard let session = sessions.removeValue(forKey: connection) else { return [] }
        var out: [SignalAction] = [.cancelTimer(.refreshToken(connection)), .cancelTimer(.signalIdle(connection))]
        out.append(.log(EventRecord(kind: "connection.close", connection: connection, room: session.plan.join.room, identity: session.plan.join.identity)))
        out += map(rooms.handle(.connectionClosed(connection), wall: wall))
        return out + flushSubscriberOffers()
    }

    /// A timer fired.
    public mutating func timerFired(_ timer: SignalTimer, wall: Date) -> [SignalAction] {
        let out = fire(timer, wall: wall)
        return out + flushSubscriberOffers()
    }

    private mutating func fire(_ timer: SignalTimer, wall: Date) -> [SignalAction] {
        switch timer {
        case .room(let timer): map(rooms.handle(.timerFired(timer), wall: wall))
        case .refreshToken(let connection): refreshToken(connection, wall: wall)
        case .signalIdle(let connection):
            sessions[connection] == nil ? [] : [
                .log(EventRecord(kind: "connection.idle", connection: connection, detail: ["timeout_s": .int(Int64(configuration.pingTimeout))])),
                .close(connection, code: .normal, reason: "no message for \(configuration.pingTimeout) s"),
            ]
        }
    }

    /// Runs a RoomService operation on the room model and maps its actions.
    public mutating func admin<Value>(_ operation: (inout RoomManagerStateMachine) -> Result<(Value, [RoomAction]), RoomError>) -> Result<(Value, [SignalAction]), RoomError> {
        operation(&rooms).map { value, actions in (value, map(actions) + flushSubscriberOffers()) }
    }

    // MARK: Pieces

    func dropped(_ connection: ConnectionID, _ reason: String) -> SignalAction {
        let context = self.context(for: connection)
        return .log(EventRecord(kind: "signal.in.dropped", connection: connection, room: context?.room,
                                participant: context?.participant, identity: context?.identity, detail: ["reason": .string(reason)]))
    }

    func response(_ message: Livekit_SignalResponse.OneOf_Message) -> Livekit_SignalResponse {
        var response = Livekit_SignalResponse()
        response.message = message
        return response
    }

    /// Pushes a fresh token (LiveKit: at session start and every 5 minutes; lifetime at least 10 minutes).
    mutating func refreshToken(_ connection: ConnectionID, wall: Date) -> [SignalAction] {
        guard let session = sessions[connection], let secret = keys[session.plan.token.apiKey] else { return [] }
        var claims = session.plan.token.claims
        let now = Int64(wall.timeIntervalSince1970)
        claims.nbf = now
        claims.iat = now
        claims.exp = max(claims.exp ?? 0, now + configuration.refreshTokenMinimumTTL.components.seconds)
        let token = TokenMinter.mint(claims: claims, apiKey: session.plan.token.apiKey, secret: secret)
        return [.send(connection, response(.refreshToken(token))), .armTimer(.refreshToken(connection), after: configuration.refreshTokenInterval)]
    }

    /// Maps room actions to signal actions, building each recipient's protobuf.
    mutating func map(_ actions: [RoomAction]) -> [SignalAction] {
        var out: [SignalAction] = []
        for action in actions {
            switch action {
            case .send(let connection, let message): out.append(.send(connection, proto(message, for: connection)))
            case .closeConnection(let connection, let reason): out.append(.close(connection, code: .normal, reason: reason))
            case .armTimer(let timer, let after): out.append(.armTimer(.room(timer), after: after))
            case .cancelTimer(let timer): out.append(.cancelTimer(.room(timer)))
            case .startForwarding(let subscriber, let track):
                out.append(.startForwarding(subscriber: subscriber, track: track))
                out += addDownTrack(subscriber, track)
            case .stopForwarding(let subscriber, let track):
                out.append(.stopForwarding(subscriber: subscriber, track: track))
                out += removeDownTrack(subscriber, track)
            case .log(let record): out.append(.log(record))
            case .notify(let notification):
                if case .roomClosed(let room) = notification { data.forget(room) }
                out.append(.notify(notification))
            case .trackRemoved(let track):
                publishedSections[track] = nil
                publishedMedia[track] = nil
            case .participantRemoved(let sid):
                data.forget(sid)
                if media.removeValue(forKey: sid) != nil { out.append(.releaseMedia(sid)) }
            }
        }
        return out
    }
}

extension Livekit_SimulateScenario {
    /// The request a client would send for `scenario`.
    init(_ scenario: SimulatedScenario) {
        self.init()
        switch scenario {
        case .speakerUpdate(let seconds): self.scenario = .speakerUpdate(seconds)
        case .nodeFailure: self.scenario = .nodeFailure(true)
        case .migration: self.scenario = .migration(true)
        case .serverLeave: self.scenario = .serverLeave(true)
        case .switchCandidateProtocol(let value): self.scenario = .switchCandidateProtocol(Livekit_CandidateProtocol(rawValue: value) ?? .udp)
        case .subscriberBandwidth(let bps): self.scenario = .subscriberBandwidth(bps)
        case .disconnectSignalOnResume: self.scenario = .disconnectSignalOnResume(true)
        case .disconnectSignalOnResumeNoMessages: self.scenario = .disconnectSignalOnResumeNoMessages(true)
        case .leaveRequestFullReconnect: self.scenario = .leaveRequestFullReconnect(true)
        }
    }
}

extension SimulatedScenario {
    init?(proto: Livekit_SimulateScenario) {
        switch proto.scenario {
        case .speakerUpdate(let seconds): self = .speakerUpdate(seconds: seconds)
        case .nodeFailure: self = .nodeFailure
        case .migration: self = .migration
        case .serverLeave: self = .serverLeave
        case .switchCandidateProtocol(let value): self = .switchCandidateProtocol(value.rawValue)
        case .subscriberBandwidth(let bps): self = .subscriberBandwidth(bps)
        case .disconnectSignalOnResume: self = .disconnectSignalOnResume
        case .disconnectSignalOnResumeNoMessages: self = .disconnectSignalOnResumeNoMessages
        case .leaveRequestFullReconnect: self = .leaveRequestFullReconnect
        case nil: return nil
        }
    }
}

extension SignalServerStateMachine {
    /// How many entries each table kept per connection, participant, track or room holds: a long run with churn must
    /// keep these flat (tests and the soak figures read them).
    public var retainedCounts: [String: Int] {
        [
            "sessions": sessions.count, "media": media.count, "offers_due": offersDue.count,
            "published_sections": publishedSections.count, "published_media": publishedMedia.count,
            "rooms": rooms.rooms.count, "participants": rooms.participants.count,
            "data_sequences": data.lastReliableSequence.count, "data_writable": data.writable.count,
            "data_missed": data.missed.count, "data_queued": data.queued.count, "data_written": data.lastWritten.count,
            "data_nonce_rooms": data.recentNonces.count, "data_replay_rooms": data.recentReliable.count,
        ]
    }
}
