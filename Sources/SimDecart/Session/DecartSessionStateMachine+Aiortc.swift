import SimCore

extension DecartSessionStateMachine {
    /// `offer` (reference §4.1, §9.8): a session that offers instead of joining is aiortc; the server itself is the
    /// peer. The offer waits for a queue slot like a join does.
    mutating func offerReceived(_ connection: ConnectionID, sdp: String) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        switch session.transport {
        case .livekit: return refuse(connection, "offer on a livekit_join session: media goes through the LiveKit room")
        case .aiortc: return refuse(connection, "offer already received on this connection")
        case .undetermined: break
        }
        sessions[connection]?.transport = .aiortc
        sessions[connection]?.peer = .offerHeld(sdp: sdp)
        var out: [DecartAction] = [log(connection, "decart.peer.offer", ["sdp_bytes": .int(Int64(sdp.utf8.count))])]
        if case .creating(let room) = session.room {
            // Prepared at open for an early-room-info join that did not come.
            sessions[connection]?.room = .none
            out.append(.releaseRoom(connection, room))
        } else if case .ready(let info) = session.room {
            sessions[connection]?.room = .none
            out.append(.releaseRoom(connection, info.roomName))
        }
        switch session.admission {
        case .none: out += requestAdmission(connection)
        case .active: out += startPeer(connection, sdp: sdp)
        case .waiting: out += pendingQueueNotice(connection)
        }
        return out
    }

    /// Starts the peer with the offer, then hands it the candidates that arrived while the offer waited.
    mutating func startPeer(_ connection: ConnectionID, sdp: String) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        sessions[connection]?.peer = .started
        sessions[connection]?.heldCandidates = []
        return [.startPeer(connection, offerSDP: sdp)] + session.heldCandidates.map { .addRemoteCandidate(connection, $0) }
    }

    /// A client `ice-candidate`; `nil` (JS `{candidate:null}`) ends the client's gathering.
    mutating func remoteCandidate(_ connection: ConnectionID, _ candidate: DecartICECandidate?) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        var out: [DecartAction] = []
        if candidate == nil { out.append(log(connection, "decart.peer.remote_gathering_complete")) }
        switch session.peer {
        case .none:
            return refuse(connection, "ice-candidate before offer")
        case .offerHeld:
            sessions[connection]?.heldCandidates.append(candidate)
        case .started, .answered:
            out.append(.addRemoteCandidate(connection, candidate))
        }
        return out
    }

    /// The peer answered: send `answer`, then `session_id` (the aiortc subscribe token, reference §5); generation
    /// starts here if the peer already reported connected.
    mutating func peerAnswered(_ connection: ConnectionID, sdp: String, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], session.peer == .started else { return [] }
        sessions[connection]?.peer = .answered
        var out = send(connection, .answer(sdp: sdp))
        if session.rules.sessionIDInAiortcMode {
            out += send(connection, .sessionID(DecartSessionInfo(sessionID: session.sessionID, serverIP: session.endpoint.ip, serverPort: session.endpoint.port)))
        }
        return out + maybeStartGeneration(connection, now: now)
    }

    /// A local candidate: trickled to the client. The end of gathering is only logged: iOS and Python reject a
    /// null candidate (reference §3).
    func peerCandidateGathered(_ connection: ConnectionID, _ candidate: DecartICECandidate?) -> [DecartAction] {
        guard let session = sessions[connection], session.peer == .started || session.peer == .answered else { return [] }
        guard let candidate else { return [log(connection, "decart.peer.local_gathering_complete")] }
        return send(connection, .iceCandidate(candidate))
    }
}
