import SimCore

/// The Decart realtime control engine for the whole server: every `/v1/stream` session plus the shared admission
/// queue.
///
/// Pure and clock-injected: the shell hands it events with the monotonic `now` and runs the returned actions in
/// order. Peer input never traps: bad frames become `error` frames and the session (and every other) keeps running.
public struct DecartSessionStateMachine: Sendable {
    /// Settings.
    public let configuration: DecartConfiguration
    /// The decoder for text frames.
    public let decoder: DecartMessageDecoder
    /// The admission queue.
    public internal(set) var queue: DecartQueue<ConnectionID>
    /// Open sessions by connection.
    var sessions: [ConnectionID: DecartSession] = [:]
    /// Mints session ids.
    var random: SIDGenerator

    /// An engine; `seed` fixes every session id it mints.
    public init(configuration: DecartConfiguration = DecartConfiguration(), seed: UInt64 = 1) {
        self.configuration = configuration
        decoder = DecartMessageDecoder(maximumFrameBytes: configuration.maximumFrameBytes)
        queue = DecartQueue(capacity: configuration.maxActiveSessions, waitingLimit: configuration.maxWaitingSessions)
        random = SIDGenerator(seed: seed ^ 0x4445_4341_5254)
    }

    // MARK: Queries

    /// The session id of a connection.
    public func sessionID(of connection: ConnectionID) -> DecartSessionID? { sessions[connection]?.sessionID }

    /// The connections with an open session, in order.
    public var connections: [ConnectionID] { sessions.keys.sorted() }

    /// The dialect a connection's client speaks (for a shell that filters its own sends).
    public func dialect(of connection: ConnectionID) -> DecartClientDialect? { sessions[connection]?.dialect }

    /// Whether `connection` is generating.
    public func isGenerating(_ connection: ConnectionID) -> Bool { sessions[connection]?.isGenerating ?? false }

    /// The merged generation state of `connection`.
    public func generationState(of connection: ConnectionID) -> DecartGenerationState? { sessions[connection]?.state }

    // MARK: Events

    /// Handles one event.
    public mutating func handle(_ event: DecartEvent, now: SimInstant) -> [DecartAction] {
        switch event {
        case .connectionOpened(let connection, let query, let endpoint, let rules):
            return connectionOpened(connection, query: query, endpoint: endpoint, rules: rules ?? configuration.rules)
        case .textFrameReceived(let connection, let text):
            guard sessions[connection] != nil else { return [] }
            do {
                return messageReceived(connection, try decoder.decode(text), now: now)
            } catch {
                return frameRejected(connection, error)
            }
        case .messageReceived(let connection, let frame):
            return messageReceived(connection, frame, now: now)
        case .frameRejected(let connection, let error):
            return frameRejected(connection, error)
        case .binaryFrameReceived(let connection, let count):
            return frameRejected(connection, .binaryFrame(byteCount: count))
        case .oversizeFrameReceived(let connection, let count):
            return frameRejected(connection, .tooLarge(byteCount: count, limit: configuration.maximumFrameBytes))
        case .connectionClosed(let connection, let code, let reason):
            return connectionClosed(connection, code: code, reason: reason, now: now)
        case .timerFired(let timer):
            return timerFired(timer, now: now)
        case .roomCreated(let connection, let url, let token, let roomName):
            return roomCreated(connection, url: url, token: token, roomName: roomName, now: now)
        case .roomCreationFailed(let connection, let reason):
            return endSession(connection, reason: .error, errorText: DecartErrorText.neutralized("could not create the LiveKit room: \(reason)"), code: .internalError, now: now)
        case .publisherVideoPublished(let connection):
            guard sessions[connection] != nil else { return [] }
            sessions[connection]?.mediaArrived = true
            return [log(connection, "decart.media.published")] + maybeStartGeneration(connection, now: now)
        case .publisherJoinedWithoutVideo(let connection):
            guard sessions[connection] != nil, sessions[connection]?.mediaArrived == false else { return [] }
            sessions[connection]?.mediaArrived = true
            return [log(connection, "decart.media.none")] + maybeStartGeneration(connection, now: now)
        case .framesCounted(let connection, let counters):
            sessions[connection]?.counters = counters
            return []
        case .peerAnswered(let connection, let sdp):
            return peerAnswered(connection, sdp: sdp, now: now)
        case .peerCandidateGathered(let connection, let candidate):
            return peerCandidateGathered(connection, candidate)
        case .peerConnected(let connection):
            guard sessions[connection] != nil else { return [] }
            sessions[connection]?.mediaArrived = true
            return [log(connection, "decart.peer.connected")] + maybeStartGeneration(connection, now: now)
        case .peerFailed(let connection, let reason):
            return endSession(connection, reason: .error, errorText: DecartErrorText.neutralized("peer connection failed: \(reason)"), code: .internalError, now: now)
        case .peerOfferRejected(let connection, let reason):
            // Bad input from the client: an `error` frame naming it, then 1008 (policy violation), not 1011.
            return endSession(connection, reason: .error, errorText: DecartErrorText.neutralized("invalid offer: \(reason)"), code: .policyViolation, now: now)
        case .sessionEndRequested(let connection, let reason, let errorText):
            return endSession(connection, reason: reason, errorText: errorText, code: .normal, now: now)
        }
    }

    /// A socket opened: validate the query (reference §1), then create the session.
    mutating func connectionOpened(_ connection: ConnectionID, query: DecartConnectQuery, endpoint: DecartServerEndpoint, rules: DecartRules) -> [DecartAction] {
        let dialect = DecartClientDialect(userAgent: query.userAgent)
        if let rejection = DecartConnectValidator.validate(query, configuration: configuration) {
            // Reference §1: accept the upgrade, send an `error` the SDK can read, then close.
            return [
                .log(EventRecord(kind: "decart.session.rejected", connection: connection, detail: [
                    "reason": .string(rejection.reason.rawValue), "dialect": .string(dialect.rawValue),
                ])),
                .send(connection, .error(rejection.errorText)),
                .close(connection, code: rules.connectRejectionCloseCode, reason: DecartCloseCode.clampedReason(rejection.errorText)),
            ]
        }
        let sessionID = DecartSessionID(random.make(prefix: "sess_"))
        sessions[connection] = DecartSession(connection: connection, sessionID: sessionID, query: query, endpoint: endpoint, rules: rules)
        var out: [DecartAction] = [log(connection, "decart.session.opened", [
            "session_id": .string(sessionID.rawValue), "model": .string(query.model ?? ""),
            "resolution": .string(query.resolution ?? "720p"), "dialect": .string(dialect.rawValue),
            "emit_server_metrics": .bool(query.emitServerMetrics), "early_room_info": .bool(query.livekitEarlyRoomInfo),
        ])]
        if sessions[connection]?.preparesAtOpen == true {
            out += requestAdmission(connection)
        }
        return out
    }

    /// A decoded message: dispatch by type.
    mutating func messageReceived(_ connection: ConnectionID, _ frame: DecartDecodedFrame, now: SimInstant) -> [DecartAction] {
        guard sessions[connection] != nil else { return [] }
        var out: [DecartAction] = []
        if !frame.ignoredKeys.isEmpty {
            out.append(log(connection, "control.in.ignored_keys", [
                "type": .string(frame.message.type), "keys": .strings(frame.ignoredKeys),
            ], tap: .controlIn))
        }
        switch frame.message {
        case .livekitJoin(let join):
            out += joinReceived(connection, join, now: now)
        case .state(let state):
            out += stateReceived(connection, state, now: now)
        case .offer(let sdp):
            out += offerReceived(connection, sdp: sdp)
        case .answer:
            out += refuse(connection, "unexpected answer: this server never sends an offer")
        case .iceCandidate(let candidate):
            out += remoteCandidate(connection, candidate)
        case .observability(let data):
            out.append(log(connection, "decart.observability", ["bytes": .int(Int64(data.map { JSONSerializer.serialize($0).utf8.count } ?? 0))]))
        case .pause:
            out += send(connection, .pauseAck(success: false, error: "pause is not supported by this server"))
        case .resume:
            out += send(connection, .resumeAck(success: false, error: "resume is not supported by this server"))
        }
        return out
    }

    /// A bad frame: log it and answer with an `error` frame; the session stays open.
    mutating func frameRejected(_ connection: ConnectionID, _ error: DecartDecodeError) -> [DecartAction] {
        guard sessions[connection] != nil else { return [] }
        return [log(connection, "control.in.invalid", ["reason": .string(error.tag), "error": .string(error.errorText)], tap: .controlIn)]
            + send(connection, .error(error.errorText))
    }

    /// A well-formed message that is out of place: an `error` frame, no state change.
    func refuse(_ connection: ConnectionID, _ text: String) -> [DecartAction] {
        [log(connection, "control.in.refused", ["error": .string(text)], tap: .controlIn)] + send(connection, .error(text))
    }

    /// The socket closed: tear down without sending.
    mutating func connectionClosed(_ connection: ConnectionID, code: UInt16?, reason: String, now: SimInstant) -> [DecartAction] {
        guard sessions[connection] != nil else { return [] }
        var detail: [String: EventValue] = ["reason": .string(reason)]
        if let code { detail["code"] = .int(Int64(code)) }
        return [log(connection, "decart.session.closed", detail)] + teardown(connection, now: now)
    }

    /// Ends a session from the server side: `error` (if any), `generation_ended` (if generating), close.
    mutating func endSession(_ connection: ConnectionID, reason: GenerationEndReason, errorText: String?, code: DecartCloseCode, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        var out: [DecartAction] = []
        if let errorText { out += send(connection, .error(errorText)) }
        var detail: [String: EventValue] = ["reason": .string(reason.rawValue)]
        if let start = session.generationStart {
            let seconds = wholeSeconds(now - start)
            detail["seconds"] = .int(Int64(seconds))
            out += send(connection, .generationEnded(seconds: seconds, reason: reason))
        }
        out.append(log(connection, "decart.session.ended", detail))
        out.append(.close(connection, code: code, reason: DecartCloseCode.clampedReason(errorText ?? reason.rawValue)))
        return out + teardown(connection, now: now)
    }

    /// Releases everything a session holds and lets the queue move.
    mutating func teardown(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let session = sessions.removeValue(forKey: connection) else { return [] }
        var out: [DecartAction] = []
        if session.isGenerating {
            out += [.cancelTimer(.generationTick(connection)), .cancelTimer(.serverMetrics(connection)), .cancelTimer(.sessionLimit(connection))]
            out.append(.stopInference(connection))
        }
        if session.peer == .started || session.peer == .answered { out.append(.closePeer(connection)) }
        if let room = session.room.name { out.append(.releaseRoom(connection, room)) }
        if session.admission != .none { out += queueReleased(connection, now: now) }
        return out
    }

    /// Changes one session's rules from now on (a scenario selected by that connection).
    mutating func updateRules(_ connection: ConnectionID, _ body: (inout DecartRules) -> Void) {
        guard sessions[connection] != nil else { return }
        body(&sessions[connection]!.rules)
    }

    /// A timer fired.
    mutating func timerFired(_ timer: DecartTimer, now: SimInstant) -> [DecartAction] {
        switch timer {
        case .generationTick(let connection): generationTick(connection, now: now)
        case .serverMetrics(let connection): serverMetrics(connection, now: now)
        case .sessionLimit(let connection): endSession(connection, reason: .timeout, errorText: nil, code: .normal, now: now)
        case .queueStep(let connection): scriptedQueueStep(connection, now: now)
        }
    }

    // MARK: Pieces

    /// Sends `message` unless the client's SDK cannot parse its type (reference §3.1: Android treats an unknown
    /// type as a connection error), in which case the suppression is logged instead.
    func send(_ connection: ConnectionID, _ message: DecartServerMessage) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        guard session.dialect.accepts(type: message.type) else {
            return [log(connection, "control.out.suppressed", [
                "type": .string(message.type), "dialect": .string(session.dialect.rawValue),
            ], tap: .controlOut)]
        }
        return [.send(connection, message)]
    }

    /// An event record with the session's context.
    func log(_ connection: ConnectionID, _ kind: String, _ detail: [String: EventValue] = [:], tap: TapPoint? = nil) -> DecartAction {
        var detail = detail
        if let session = sessions[connection], detail["session_id"] == nil { detail["session_id"] = .string(session.sessionID.rawValue) }
        return .log(EventRecord(
            kind: kind, connection: connection, room: sessions[connection]?.room.name, tap: tap,
            direction: tap.map { $0 == .controlIn ? .inbound : .outbound }, detail: detail
        ))
    }

    /// Whole seconds in `duration`, rounded down (Python types `seconds` as `int`, reference §3).
    func wholeSeconds(_ duration: Duration) -> Int { max(0, Int(duration.components.seconds)) }
}
