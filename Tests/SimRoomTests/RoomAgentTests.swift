import Foundation
import SimCore
@testable import SimRoom
import Testing

/// Agents (and egress) depend on others (LiveKit `IsDependent`): they do not count towards `max_participants`, do
/// not keep a room open, and are removed when it closes. Creation and departures are announced to observers.
struct RoomAgentTests {
    static func agent(_ identity: String, connection: UInt64) -> RoomEvent {
        .joinRequested(JoinParameters(connection: ConnectionID(connection), room: "r1", identity: Identity(identity), kind: 4))
    }

    static func notifications(_ actions: [RoomAction]) -> [RoomNotification] {
        actions.compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }

    @Test func theCreatingJoinAnnouncesTheRoomWithItsTokensAgents() {
        var h = RoomHarness()
        var join = JoinParameters(connection: ConnectionID(1), room: "r1", identity: "alice")
        join.roomAgents = [RoomAgentRequest(agentName: "helper")]
        let created = Self.notifications(h.handle(.joinRequested(join)))
        #expect(created == [.roomCreated(room: "r1", agents: [RoomAgentRequest(agentName: "helper")])])
        // A later join's token does not change the room's agents (the room exists).
        var second = JoinParameters(connection: ConnectionID(2), room: "r1", identity: "bob")
        second.roomAgents = [RoomAgentRequest(agentName: "other")]
        #expect(Self.notifications(h.handle(.joinRequested(second))).isEmpty)
    }

    @Test func anAgentDoesNotCountTowardsTheLimitNorKeepTheRoomOpen() throws {
        var h = RoomHarness()
        _ = h.machine.createRoom(CreateRoomParameters(name: "r1", maxParticipants: 1), wall: h.wall)
        h.join("alice", connection: 1)
        let agentJoin = h.handle(Self.agent("agent-1", connection: 2))
        #expect(!agentJoin.closed.contains(ConnectionID(2)))
        #expect(h.machine.participants(in: "r1").map(\.identity) == ["alice", "agent-1"])
        // alice leaves: the departure timer starts although the agent is still there; it closes the room and removes
        // the agent with Leave(ROOM_CLOSED).
        let leave = h.handle(.leaveRequested(ConnectionID(1)))
        #expect(Self.notifications(leave).contains { if case .participantLeft(_, _, "alice", 0) = $0 { true } else { false } })
        let timer = try #require(leave.compactMap { if case .armTimer(let t, _) = $0 { t } else { nil } }.first)
        let closed = h.handle(.timerFired(timer))
        #expect(closed.messages(to: 2) == [.leave(LeaveNotice(reason: .roomClosed, action: .disconnect))])
        #expect(Self.notifications(closed).contains { if case .participantLeft(_, _, "agent-1", 4) = $0 { true } else { false } })
        #expect(Self.notifications(closed).last == .roomClosed(room: "r1"))
        #expect(h.machine.rooms.isEmpty)
    }

    @Test func anAgentJoiningDoesNotCancelTheRoomsTimer() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let timer = try #require(h.handle(.leaveRequested(ConnectionID(1))).compactMap { if case .armTimer(let t, _) = $0 { t } else { nil } }.first)
        let agentJoin = h.handle(Self.agent("agent-1", connection: 2))
        #expect(!agentJoin.contains(.cancelTimer(timer)))
        #expect(h.handle(.timerFired(timer)).logged.contains("room.closed"))
    }
}
