import Foundation
import SimCore
import SimFaults
import Testing
@testable import SimServer

/// Which events a scoped scenario engine sees.
@Suite struct ScenarioScopeTests {
    func event(room: RoomName? = nil, participant: ParticipantSID? = nil, connection: ConnectionID? = nil) -> SimEvent {
        SimEvent(seq: 1, tMs: 0, wall: Date(), record: EventRecord(kind: "x", connection: connection, room: room, participant: participant))
    }

    @Test func theServerSeesEverythingARoomItsOwnAndItsParticipantsEvents() {
        let roomOf: (ParticipantSID) -> RoomName? = { $0 == "PA_a" ? "one" : nil }
        #expect(ScenarioScope.belongs(event(room: "two"), to: .server, roomOf: roomOf))
        #expect(ScenarioScope.belongs(event(room: "one"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioScope.belongs(event(room: "two"), to: .room("one"), roomOf: roomOf))
        // A media event names only the participant: its room is looked up.
        #expect(ScenarioScope.belongs(event(participant: "PA_a"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioScope.belongs(event(participant: "PA_b"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioScope.belongs(event(room: "two", participant: "PA_a"), to: .room("one"), roomOf: roomOf))
    }

    @Test func aConnectionSeesOnlyItsOwnEvents() {
        #expect(ScenarioScope.belongs(event(connection: ConnectionID(7)), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
        #expect(!ScenarioScope.belongs(event(connection: ConnectionID(8)), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
        #expect(!ScenarioScope.belongs(event(room: "one"), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
    }

    /// The most specific running scope decides a message; a tap is active while any engine acts there.
    @Test func theMostSpecificRunningScopeDecidesAndTapsAreCounted() {
        var scopes = ScenarioScopes<String>()
        #expect(scopes.scope(of: TapContext(tap: .signalOut, kind: "update", room: "one")) == nil && !scopes.isActive(at: .signalOut))
        scopes.store("server", at: .server) { $0 == .signalOut }
        scopes.store("room one", at: .room("one")) { $0 == .signalOut || $0 == .mediaRTP }
        scopes.store("connection 7", at: .connection(ConnectionID(7))) { _ in false }
        #expect(scopes.scope(of: TapContext(tap: .signalOut, kind: "update", room: "two")) == .server)
        #expect(scopes.scope(of: TapContext(tap: .signalOut, kind: "update", room: "one")) == .room("one"))
        #expect(scopes.scope(of: TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(7), room: "one")) == .connection(ConnectionID(7)))
        #expect(scopes.isActive(at: .signalOut) && scopes.isActive(at: .mediaRTP) && !scopes.isActive(at: .controlIn))
        scopes.store("room one, later", at: .room("one")) { _ in false }  // its filters ended
        #expect(scopes.isActive(at: .signalOut) && !scopes.isActive(at: .mediaRTP))
        #expect(scopes.remove(.server) == "server" && !scopes.isActive(at: .signalOut) && scopes.remove(.server) == nil)
        scopes.update(.room("one")) { $0 += "!" }
        #expect(scopes[.room("one")] == "room one, later!" && Set(scopes.scopes) == [.room("one"), .connection(ConnectionID(7))])
    }
}
