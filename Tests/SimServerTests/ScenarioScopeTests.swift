import Foundation
import SimCore
import Testing
@testable import SimServer

/// Which events a scoped scenario engine sees.
@Suite struct ScenarioScopeTests {
    func event(room: RoomName? = nil, participant: ParticipantSID? = nil, connection: ConnectionID? = nil) -> SimEvent {
        SimEvent(seq: 1, tMs: 0, wall: Date(), record: EventRecord(kind: "x", connection: connection, room: room, participant: participant))
    }

    @Test func theServerSeesEverythingARoomItsOwnAndItsParticipantsEvents() {
        let roomOf: (ParticipantSID) -> RoomName? = { $0 == "PA_a" ? "one" : nil }
        #expect(ScenarioService.belongs(event(room: "two"), to: .server, roomOf: roomOf))
        #expect(ScenarioService.belongs(event(room: "one"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioService.belongs(event(room: "two"), to: .room("one"), roomOf: roomOf))
        // A media event names only the participant: its room is looked up.
        #expect(ScenarioService.belongs(event(participant: "PA_a"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioService.belongs(event(participant: "PA_b"), to: .room("one"), roomOf: roomOf))
        #expect(!ScenarioService.belongs(event(room: "two", participant: "PA_a"), to: .room("one"), roomOf: roomOf))
    }

    @Test func aConnectionSeesOnlyItsOwnEvents() {
        #expect(ScenarioService.belongs(event(connection: ConnectionID(7)), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
        #expect(!ScenarioService.belongs(event(connection: ConnectionID(8)), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
        #expect(!ScenarioService.belongs(event(room: "one"), to: .connection(ConnectionID(7)), roomOf: { _ in nil }))
    }
}
