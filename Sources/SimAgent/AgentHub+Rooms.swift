import SimCore
import SimRoom
import SimSignal

extension AgentHub {
    /// Follows the signal hub's rooms: creation (dispatch), participants becoming active (agents joining, participant
    /// jobs), first publications (publisher jobs), departures (an agent leaving ends its job) and closing. Notifications
    /// arrive outside the signal hub's lock; the room and participant are read from it, then the dispatcher runs.
    public func follow(_ signal: SignalHub) {
        signal.addRoomObserver { [weak self, weak signal] notification in
            guard let self, let signal else { return }
            switch notification {
            case .roomCreated(let room, let agents):
                guard let info = signal.inspect({ $0.rooms.room(room)?.proto }) else { return }
                withEngine { engine, wall in ((), engine.roomCreated(info, agents: agents, wall: wall)) }
            case .roomClosed(let room):
                withEngine { engine, wall in ((), engine.roomClosed(room, wall: wall)) }
            case .participantActive(let room, let participant, _):
                guard let info = signal.inspect({ $0.rooms.participants[participant]?.proto }) else { return }
                let roomInfo = signal.inspect { $0.rooms.room(room)?.proto }
                withEngine { engine, wall in
                    if let roomInfo { engine.roomUpdated(roomInfo) }
                    return ((), engine.participantActive(info, room: room, wall: wall))
                }
            case .trackPublished(let room, let participant, _, _, _):
                guard let info = signal.inspect({ $0.rooms.participants[participant]?.proto }), info.tracks.count == 1 else { return }
                withEngine { engine, wall in ((), engine.publisherStarted(info, room: room, wall: wall)) }
            case .participantLeft(let room, _, let identity, let kind):
                withEngine { engine, wall in ((), engine.participantLeft(identity: identity, kind: kind, room: room, wall: wall)) }
            }
        }
    }
}
