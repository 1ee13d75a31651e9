import Foundation
import SimCore
import Testing
@testable import SimRoom

@Suite struct RoomResumeAndSimulateTests {
    @Test func resumeSendsReconnectThenUpdatesThenRoomUpdate() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let lost = h.handle(.connectionClosed(ConnectionID(1)))
        #expect(lost.logged == ["participant.signal_lost"])
        let actions = h.handle(.resumeRequested(ConnectionID(5), room: "r1", identity: "alice", permission: ParticipantPermission()))
        let messages = actions.messages(to: 5)
        #expect(messages.count == 3)
        #expect(messages.first == .reconnect)
        #expect(messages[1].updated?.map(\.identity) == ["alice"])
        guard case .roomUpdate = messages[2] else { Issue.record("expected room_update last"); return }
        #expect(h.machine.participant(connection: ConnectionID(5))?.identity == "alice")
    }

    @Test func resumeOfUnknownParticipantIsRefusedWithStateMismatchReconnect() {
        var h = RoomHarness()
        let actions = h.handle(.resumeRequested(ConnectionID(9), room: "r1", identity: "ghost", permission: ParticipantPermission()))
        #expect(actions.messages(to: 9) == [.leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))])
        #expect(actions.closed == [ConnectionID(9)])
    }

    @Test func signalLossTimeoutRemovesParticipantUnlessResumed() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let lost = h.handle(.connectionClosed(ConnectionID(2)))
        let timer = try #require(lost.compactMap { if case .armTimer(let t, let d) = $0 { (t, d) } else { nil } }.first)
        #expect(timer.1 == .seconds(15))
        let expired = h.handle(.timerFired(timer.0))
        #expect(expired.messages(to: 1).first?.updated?.first?.disconnectReason == .signalClose)
        #expect(h.sid("bob") == nil)
    }

    @Test func speakerUpdateAnnouncesThenClears() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let alice = try #require(h.sid("alice"))
        let on = h.handle(.simulateRequested(ConnectionID(1), .speakerUpdate(seconds: 3)))
        #expect(on.messages(to: 2) == [.speakersChanged([SpeakerLevel(participant: alice, level: 0.9, active: true)])])
        #expect(on.contains(.armTimer(.speakerOff(alice), after: .seconds(3))))
        let off = h.handle(.timerFired(.speakerOff(alice)))
        #expect(off.messages(to: 1) == [.speakersChanged([SpeakerLevel(participant: alice, level: 0, active: false)])])
    }

    @Test func nodeFailureClosesWithoutLeaveAndLaterResumeIsRefused() {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let actions = h.handle(.simulateRequested(ConnectionID(1), .nodeFailure))
        #expect(actions.messages(to: 1).isEmpty)
        #expect(actions.closed == [ConnectionID(1)])
        let resume = h.handle(.resumeRequested(ConnectionID(2), room: "r1", identity: "alice", permission: ParticipantPermission()))
        #expect(resume.messages(to: 2) == [.leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))])
    }

    @Test(arguments: [
        (SimulatedScenario.serverLeave, LeaveNotice(reason: .serverShutdown, action: .disconnect)),
        (SimulatedScenario.leaveRequestFullReconnect, LeaveNotice(reason: .unknown, action: .reconnect)),
    ])
    func leavingScenariosSendTheirLeave(scenario: SimulatedScenario, notice: LeaveNotice) {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let actions = h.handle(.simulateRequested(ConnectionID(1), scenario))
        #expect(actions.messages(to: 1) == [.leave(notice)])
        #expect(actions.closed == [ConnectionID(1)])
    }

    @Test func disconnectSignalOnResumeClosesAfterTheResumeMessages() {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        _ = h.handle(.simulateRequested(ConnectionID(1), .disconnectSignalOnResume))
        _ = h.handle(.connectionClosed(ConnectionID(1)))
        let resume = h.handle(.resumeRequested(ConnectionID(2), room: "r1", identity: "alice", permission: ParticipantPermission()))
        #expect(resume.messages(to: 2).first == .reconnect)
        #expect(resume.closed == [ConnectionID(2)])
        #expect(resume.last == .closeConnection(ConnectionID(2), reason: "simulated: disconnect_signal_on_resume"))
    }

    @Test func disconnectSignalOnResumeNoMessagesDropsThreeResumesThenAllows() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        _ = h.handle(.simulateRequested(ConnectionID(1), .disconnectSignalOnResumeNoMessages))
        _ = h.handle(.connectionClosed(ConnectionID(1)))
        for attempt in 2...4 {
            let resume = h.handle(.resumeRequested(ConnectionID(UInt64(attempt)), room: "r1", identity: "alice", permission: ParticipantPermission()))
            #expect(resume.messages(to: UInt64(attempt)).isEmpty)
            #expect(resume.closed == [ConnectionID(UInt64(attempt))])
        }
        let fourth = h.handle(.resumeRequested(ConnectionID(5), room: "r1", identity: "alice", permission: ParticipantPermission()))
        #expect(fourth.messages(to: 5).first == .reconnect)
    }

    @Test func syncStateWithUnknownTrackForcesFullReconnect() {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let actions = h.handle(.syncStateReceived(ConnectionID(1), publishedTrackSIDs: ["TR_unknown"]))
        #expect(actions.messages(to: 1) == [.leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))])
    }
}
