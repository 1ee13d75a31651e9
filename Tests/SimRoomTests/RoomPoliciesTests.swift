import Foundation
import SimCore
import Testing
@testable import SimRoom

@Suite struct RoomPoliciesTests {
    @Test func refuseResumeAnswersStateMismatchForTheNamedIdentityOnly() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        h.machine.policies.refuseResume.insert("alice")
        _ = h.handle(.connectionClosed(ConnectionID(1)))
        _ = h.handle(.connectionClosed(ConnectionID(2)))
        let refused = h.handle(.resumeRequested(ConnectionID(5), room: "r1", identity: "alice", permission: ParticipantPermission()))
        #expect(refused.messages(to: 5) == [.leave(LeaveNotice(reason: .stateMismatch, action: .reconnect))])
        #expect(refused.closed == [ConnectionID(5)])
        let resumed = h.handle(.resumeRequested(ConnectionID(6), room: "r1", identity: "bob", permission: ParticipantPermission()))
        #expect(resumed.messages(to: 6).first == .reconnect)
    }

    @Test func keepSIDOnRejoinGivesTheNewSessionTheOldSIDAndDefaultReissues() throws {
        var h = RoomHarness()
        h.join("bob", connection: 1)
        let first = try #require(h.sid("bob"))
        h.join("bob", connection: 2)
        let reissued = try #require(h.sid("bob"))
        #expect(reissued != first)
        h.machine.policies.keepSIDOnRejoin.insert(nil)
        h.join("bob", connection: 3)
        #expect(h.sid("bob") == reissued)
        h.machine.policies.keepSIDOnRejoin.remove(nil)
        h.join("bob", connection: 4)
        #expect(h.sid("bob") != reissued)
    }

    @Test func identityScopes() {
        var scope = IdentityScope.none
        #expect(!scope.contains("a"))
        scope.insert("a")
        #expect(scope.contains("a") && !scope.contains("b"))
        scope.remove("a")
        #expect(scope == .none)
        scope.insert(nil)
        #expect(scope.contains("anyone"))
    }
}
