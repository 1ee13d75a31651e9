import SimCore

extension DecartSessionStateMachine {
    /// `livekit_join` (reference §2, §4.2): record the generation, ack a bundled state (the client buffers it),
    /// ask for a slot, and send room_info if the room is already there.
    mutating func joinReceived(_ connection: ConnectionID, _ join: LiveKitJoinRequest, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        switch session.transport {
        case .livekit: return refuse(connection, "livekit_join already received on this connection")
        case .aiortc: return refuse(connection, "livekit_join after offer: this connection already uses the offer/answer transport")
        case .undetermined: break
        }
        sessions[connection]?.transport = .livekit(join)
        var detail: [String: EventValue] = ["generation": .string(join.generation.name), "frame_timing": .bool(join.frameTiming)]
        if case .lean(let passthrough) = join.generation { detail["passthrough"] = .bool(passthrough) }
        if join.pauseMode { detail["pause_mode"] = true }
        var out: [DecartAction] = [log(connection, "decart.join", detail)]
        if case .bundled(let state) = join.generation {
            if let state {
                // Reference §4.2 G2 / JS f49f547: the bundled state may be acked before room_info.
                out += stateReceived(connection, state, now: now, bundled: true)
            } else {
                // `initial_state:null`: the client has no state; that is its initial state (passthrough).
                sessions[connection]?.initialStateSeen = true
            }
        }
        guard sessions[connection] != nil else { return out }
        switch sessions[connection]?.admission {
        case DecartSession.Admission.none?: out += requestAdmission(connection)
        case .waiting?: out += pendingQueueNotice(connection)
        case .active?, nil: break
        }
        out += maybeSendRoomInfo(connection, now: now)
        return out
    }

    /// Asks the queue for a slot: admitted → room or peer; queued → `queue_position`; refused → close 1013.
    mutating func requestAdmission(_ connection: ConnectionID) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        if let script = session.rules.queueScript, session.scriptedQueueStep == nil {
            return startScriptedWait(connection, script)
        }
        switch queue.request(connection) {
        case .admitted:
            sessions[connection]?.admission = .active
            return [log(connection, "decart.queue.admitted")] + admitted(connection)
        case .queued(let position, let size):
            sessions[connection]?.admission = .waiting
            return [log(connection, "decart.queue.waiting", ["position": .int(Int64(position)), "queue_size": .int(Int64(size))])]
                + queueNotice(connection, position: position, size: size)
        case .refused:
            let rule = session.rules.queueFull
            var out: [DecartAction] = [log(connection, "decart.queue.refused", ["queue_size": .int(Int64(queue.waiting.count))])]
            if let text = rule.errorText { out += send(connection, .error(text)) }
            out.append(.close(connection, code: .tryAgainLater, reason: DecartCloseCode.clampedReason(rule.closeReason)))
            sessions.removeValue(forKey: connection)
            return out
        }
    }

    /// A `queue_position` if it differs from the last one sent (reference §3: both position keys plus size).
    /// Before the client said how it connects (a slot requested at open for early room info), nothing is sent:
    /// Android and Python arm their room-info wait only in `livekit_join` (§8 R9), so a position that precedes the
    /// join would not cancel it; the current position goes out when the join (or offer) arrives.
    mutating func queueNotice(_ connection: ConnectionID, position: Int, size: Int) -> [DecartAction] {
        guard let session = sessions[connection], !session.roomInfoSent else { return [] }
        guard session.transport != .undetermined || session.sendsRoomInfoAtOpen else { return [] }
        if let last = session.lastQueueNotice, last.position == position, last.size == size { return [] }
        sessions[connection]?.lastQueueNotice = (position, size)
        return send(connection, .queuePosition(position: position, queueSize: size))
    }

    /// Starts the rules' scripted queue wait: the first position now, the next ones on `queueStep` timers.
    mutating func startScriptedWait(_ connection: ConnectionID, _ script: DecartRules.QueueScript) -> [DecartAction] {
        sessions[connection]?.scriptedQueueStep = 0
        sessions[connection]?.admission = .waiting
        var out: [DecartAction] = [log(connection, "decart.queue.scripted", [
            "positions": .strings(script.positions.map(String.init)), "queue_size": .int(Int64(script.size)), "admit": .bool(script.admit),
        ])]
        if let first = script.positions.first { out += queueNotice(connection, position: first, size: script.size) }
        out.append(.armTimer(.queueStep(connection), after: script.interval))
        return out
    }

    /// The next step of a scripted wait: the next position, or (after the last) admission through the real queue —
    /// unless the script never admits, which leaves the session waiting until the client gives up.
    mutating func scriptedQueueStep(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], session.admission == .waiting, let step = session.scriptedQueueStep,
              let script = session.rules.queueScript else { return [] }
        let next = step + 1
        sessions[connection]?.scriptedQueueStep = next
        if next < script.positions.count {
            return queueNotice(connection, position: script.positions[next], size: script.size)
                + [.armTimer(.queueStep(connection), after: script.interval)]
        }
        guard script.admit else { return [log(connection, "decart.queue.never_admitted")] }
        sessions[connection]?.admission = .none
        return requestAdmission(connection) + maybeSendRoomInfo(connection, now: now)
    }

    /// The current `queue_position` of a waiting session (after a deferred one, see `queueNotice`).
    mutating func pendingQueueNotice(_ connection: ConnectionID) -> [DecartAction] {
        if let session = sessions[connection], let step = session.scriptedQueueStep, let script = session.rules.queueScript,
           step < script.positions.count {
            return queueNotice(connection, position: script.positions[step], size: script.size)
        }
        guard let position = queue.position(of: connection) else { return [] }
        return queueNotice(connection, position: position, size: queue.waiting.count)
    }

    /// A slot became this session's: create the LiveKit room, or start the aiortc peer with the held offer.
    mutating func admitted(_ connection: ConnectionID) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        if case .offerHeld(let sdp) = session.peer {
            return startPeer(connection, sdp: sdp)
        }
        guard session.room == .none else { return [] }
        let roomName = RoomName(configuration.roomNamePrefix + session.sessionID.rawValue)
        sessions[connection]?.room = .creating(roomName)
        return [
            log(connection, "decart.room.requested", ["room_name": .string(roomName.rawValue)]),
            .createRoom(connection, DecartRoomRequest(sessionID: session.sessionID, roomName: roomName)),
        ]
    }

    /// The queue lost a member: admit the next waiters and tell the others their new position.
    mutating func queueReleased(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        let change = queue.release(connection)
        var out: [DecartAction] = []
        for next in change.admitted where sessions[next] != nil {
            sessions[next]?.admission = .active
            out.append(log(next, "decart.queue.admitted"))
            out += admitted(next)
            out += maybeSendRoomInfo(next, now: now)
        }
        for (index, waiter) in queue.waiting.enumerated() where sessions[waiter] != nil {
            out += queueNotice(waiter, position: index + 1, size: queue.waiting.count)
        }
        return out
    }

    /// The room side created the room.
    mutating func roomCreated(_ connection: ConnectionID, url: String, token: String, roomName: RoomName, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], case .creating(let expected) = session.room else { return [] }
        guard expected == roomName else {
            return [log(connection, "decart.room.mismatch", ["expected": .string(expected.rawValue), "got": .string(roomName.rawValue)])]
        }
        let livekitURL = session.rules.roomInfoURL ?? url
        sessions[connection]?.room = .ready(LiveKitRoomInfo(livekitURL: livekitURL, token: token, roomName: roomName, sessionID: session.sessionID))
        return [log(connection, "decart.room.ready")] + maybeSendRoomInfo(connection, now: now)
    }

    /// Sends `livekit_room_info` once the room exists and the client has joined (reference §9.3; §8 R9), or at
    /// once under `EarlyRoomInfoPolicy.sendAtOpen`; then `session_id` (if the rules say so) and the held acks.
    mutating func maybeSendRoomInfo(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], !session.roomInfoSent, case .ready(let info) = session.room else { return [] }
        guard session.join != nil || (session.sendsRoomInfoAtOpen && session.transport == .undetermined) else { return [] }
        sessions[connection]?.roomInfoSent = true
        var out = send(connection, .livekitRoomInfo(info))
        if session.rules.sessionIDInLiveKitMode {
            out += send(connection, .sessionID(DecartSessionInfo(sessionID: session.sessionID, serverIP: session.endpoint.ip, serverPort: session.endpoint.port)))
        }
        out += flushHeldAcks(connection)
        return out + maybeStartGeneration(connection, now: now)
    }
}
