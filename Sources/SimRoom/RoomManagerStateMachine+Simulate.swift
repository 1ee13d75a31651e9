import SimCore

extension RoomManagerStateMachine {
    /// `SimulateScenario` (reference §2.3 table): what the Go server does, plus Leave(RECONNECT) for
    /// `leave_request_full_reconnect`, which it ignores.
    mutating func simulate(_ connection: ConnectionID, _ scenario: SimulatedScenario, into out: inout [RoomAction]) {
        guard let sid = connections[connection], let participant = participants[sid] else { return }
        out.append(.log(record("participant.simulate", participant, detail: ["scenario": .string(scenario.name)])))
        switch scenario {
        case .speakerUpdate(let seconds):
            sendToRoom(participant.room, .speakersChanged([SpeakerLevel(participant: sid, level: 0.9, active: true)]), into: &out)
            out.append(.armTimer(.speakerOff(sid), after: .seconds(Int64(max(0, seconds)))))
        case .nodeFailure:
            // Closed without a LeaveRequest, as if the node died; a later resume finds nothing (STATE_MISMATCH).
            remove(sid, reason: .unknown, leave: nil, into: &out)
        case .migration:
            remove(sid, reason: .migration, leave: nil, into: &out)
        case .serverLeave:
            remove(sid, reason: .serverShutdown, leave: LeaveNotice(reason: .serverShutdown, action: .disconnect), into: &out)
        case .leaveRequestFullReconnect:
            remove(sid, reason: .unknown, leave: LeaveNotice(reason: .unknown, action: .reconnect), into: &out)
        case .switchCandidateProtocol, .subscriberBandwidth:
            // Media-layer settings: recorded above; the media layer reads them from the event (no signalling effect).
            break
        case .disconnectSignalOnResume:
            resumeFaults[sid] = .closeAfterMessages
            out.append(.armTimer(.resumeFaultWindow(sid), after: configuration.resumeFaultWindow))
        case .disconnectSignalOnResumeNoMessages:
            resumeFaults[sid] = .closeBeforeMessages(remaining: configuration.resumeFaultAttempts)
            out.append(.armTimer(.resumeFaultWindow(sid), after: configuration.resumeFaultWindow))
        }
    }

    /// A server-sent LeaveRequest: with RESUME the signal is closed after it and the participant waits for its resume
    /// (as after a signal loss); with DISCONNECT or RECONNECT the participant is removed (the others see it go).
    mutating func leaveCommanded(_ connection: ConnectionID, _ notice: LeaveNotice, into out: inout [RoomAction]) {
        guard let sid = connections[connection], let participant = participants[sid] else { return }
        out.append(.log(record("participant.leave_sent", participant, detail: [
            "reason": .int(Int64(notice.reason.rawValue)), "action": .int(Int64(notice.action.rawValue)),
        ])))
        if notice.action == .resume {
            out.append(.send(connection, .leave(notice)))
            out.append(.closeConnection(connection, reason: "leave: resume"))
        } else {
            remove(sid, reason: notice.reason, leave: notice, into: &out)
        }
    }

    /// SyncState after a resume: every track the client says it publishes must be known, else a full reconnect.
    mutating func syncState(_ connection: ConnectionID, _ tracks: [TrackSID], into out: inout [RoomAction]) {
        guard let sid = connections[connection], let participant = participants[sid] else { return }
        let known = Set(participant.tracks.map(\.sid))
        let unknown = tracks.filter { !known.contains($0) }
        if unknown.isEmpty {
            out.append(.log(record("participant.sync_state", participant, detail: ["tracks": .strings(tracks.map(\.rawValue))])))
        } else {
            out.append(.log(record("participant.sync_state_mismatch", participant, detail: ["unknown": .strings(unknown.map(\.rawValue))])))
            remove(sid, reason: .stateMismatch, leave: LeaveNotice(reason: .stateMismatch, action: .reconnect), into: &out)
        }
    }
}
