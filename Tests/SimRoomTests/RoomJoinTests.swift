import Foundation
import SimCore
import Testing
@testable import SimRoom

@Suite struct RoomJoinTests {
    @Test func firstJoinCreatesRoomAndSendsJoinResponseThenJoined() throws {
        var h = RoomHarness()
        let actions = h.join("alice", connection: 1)
        #expect(actions.logged == ["room.created", "participant.joining", "participant.joined"])
        let messages = actions.messages(to: 1)
        guard case .join(let room, let me, let others, let subscriberPrimary) = try #require(messages.first) else {
            Issue.record("first message is not join"); return
        }
        #expect(room.name == "r1" && room.sid.rawValue.hasPrefix("RM_"))
        #expect(me.sid.rawValue.hasPrefix("PA_") && me.sid.rawValue.count == 15)
        #expect(me.state == .joining)
        #expect(others.isEmpty)
        #expect(subscriberPrimary == false)
        #expect(h.machine.participant(connection: ConnectionID(1))?.state == .joined)
    }

    @Test func dualPCSubscriberIsPrimaryAndOthersAreListed() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let actions = h.join("bob", connection: 2, mode: .dualPC)
        guard case .join(_, _, let others, let subscriberPrimary) = try #require(actions.messages(to: 2).first) else {
            Issue.record("no join"); return
        }
        #expect(subscriberPrimary)
        #expect(others.map(\.identity) == ["alice"])
        // alice learns of bob once he is JOINED.
        let toAlice = actions.messages(to: 1).compactMap(\.updated).flatMap { $0 }
        #expect(toAlice.map(\.identity) == ["bob"] && toAlice.first?.state == .joined)
    }

    @Test func hiddenParticipantIsNotAnnouncedOrListed() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let hiddenJoin = h.join("ghost", connection: 2, permission: ParticipantPermission(hidden: true))
        #expect(hiddenJoin.messages(to: 1).isEmpty)
        let bobJoin = h.join("bob", connection: 3)
        guard case .join(_, _, let others, _) = try #require(bobJoin.messages(to: 3).first) else { return }
        #expect(others.map(\.identity) == ["alice"])
    }

    @Test func duplicateIdentityKicksOldSessionAndOrdersDisconnectBeforeNewInfo() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let oldSID = try #require(h.sid("bob"))
        let actions = h.join("bob", connection: 3)
        let newSID = try #require(h.sid("bob"))
        #expect(newSID != oldSID)
        // Old socket: Leave(DUPLICATE_IDENTITY, DISCONNECT), then closed.
        #expect(actions.messages(to: 2).first?.leaveNotice == LeaveNotice(reason: .duplicateIdentity, action: .disconnect))
        #expect(actions.closed.contains(ConnectionID(2)))
        // Observer: DISCONNECTED(old) strictly before the new sid's info.
        let seen = actions.messages(to: 1).compactMap(\.updated).flatMap { $0 }.map { ($0.sid, $0.state) }
        let disconnectIndex = try #require(seen.firstIndex { $0.0 == oldSID && $0.1 == .disconnected })
        let newIndex = try #require(seen.firstIndex { $0.0 == newSID })
        #expect(disconnectIndex < newIndex)
        #expect(h.machine.participants(in: "r1").map(\.identity) == ["alice", "bob"])
    }

    @Test func noAutoCreateRefusesJoinToUnknownRoom() {
        var configuration = RoomManagerConfiguration()
        configuration.autoCreate = false
        var h = RoomHarness(configuration: configuration)
        #expect(!h.machine.acceptsJoin(room: "r1"))
        let actions = h.join("alice", connection: 1)
        #expect(actions.messages(to: 1).first?.leaveNotice?.reason == .joinFailure)
        #expect(actions.closed == [ConnectionID(1)])
        let (room, _) = h.machine.createRoom(CreateRoomParameters(name: "r1"), wall: h.wall)
        #expect(room.name == "r1")
        #expect(h.machine.acceptsJoin(room: "r1"))
    }

    @Test func maxParticipantsIsEnforced() {
        var h = RoomHarness()
        _ = h.machine.createRoom(CreateRoomParameters(name: "r1", maxParticipants: 1), wall: h.wall)
        h.join("alice", connection: 1)
        let actions = h.join("bob", connection: 2)
        #expect(actions.messages(to: 2) == [.leave(LeaveNotice(reason: .joinFailure, action: .disconnect))])
    }

    @Test func clientLeaveSendsLeaveClosesAndTellsOthers() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let bob = try #require(h.sid("bob"))
        let actions = h.handle(.leaveRequested(ConnectionID(2)))
        #expect(actions.messages(to: 2) == [.leave(LeaveNotice(reason: .clientInitiated, action: .disconnect))])
        #expect(actions.closed == [ConnectionID(2)])
        let update = try #require(actions.messages(to: 1).first?.updated?.first)
        #expect(update.sid == bob && update.state == .disconnected && update.disconnectReason == .clientInitiated)
    }

    @Test func emptyRoomClosesAfterDepartureTimeout() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let leave = h.handle(.leaveRequested(ConnectionID(1)))
        let timer = try #require(leave.compactMap { if case .armTimer(let t, let d) = $0 { (t, d) } else { nil } }.first)
        #expect(timer.1 == .seconds(20))
        #expect(h.handle(.timerFired(timer.0)).logged == ["room.closed"])
        #expect(h.machine.rooms.isEmpty)
    }

    @Test func rejoinBeforeDepartureTimeoutKeepsRoom() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let leave = h.handle(.leaveRequested(ConnectionID(1)))
        let timer = try #require(leave.compactMap { if case .armTimer(let t, _) = $0 { t } else { nil } }.first)
        let rejoin = h.join("alice", connection: 2)
        #expect(rejoin.contains(.cancelTimer(timer)))
        #expect(h.handle(.timerFired(timer)).isEmpty)
        #expect(h.machine.rooms["r1"] != nil)
    }
}
