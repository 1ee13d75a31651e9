import Foundation
import SimCore
import SimFaults
import Testing
@testable import SimScenario

/// The text of a fixture scenario file.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// A logged event at `ms` milliseconds.
func event(_ seq: UInt64, _ ms: Double, _ kind: String, identity: Identity? = nil, connection: UInt64? = nil, room: RoomName? = nil,
           participant: ParticipantSID? = nil, detail: [String: EventValue] = [:]) -> SimEvent {
    SimEvent(seq: seq, tMs: ms, wall: Date(timeIntervalSince1970: 1_800_000_000 + ms / 1000), record: EventRecord(
        kind: kind, connection: connection.map(ConnectionID.init), room: room, participant: participant, identity: identity, detail: detail
    ))
}

/// A message crossing a tap.
func message(_ id: UInt64, _ tap: TapPoint, _ kind: String, identity: Identity? = nil, connection: UInt64? = nil,
             about: [Identity] = [], track: TrackSID? = nil, participant: ParticipantSID? = nil, bytes: Int? = nil,
             keyframe: Bool? = nil) -> TapMessage {
    TapMessage(id: TapMessageID(id), context: TapContext(
        tap: tap, kind: kind, connection: connection.map(ConnectionID.init), participant: participant, identity: identity,
        track: track, about: about, payloadBytes: bytes, isKeyframe: keyframe
    ))
}

extension ManualClock {
    /// Advances by `ms` milliseconds and returns the new time.
    @discardableResult
    func advance(ms: Int64) -> SimInstant {
        advance(by: .milliseconds(ms))
        return now()
    }
}

/// `t` milliseconds after the origin.
func at(_ ms: Int64) -> SimInstant { SimInstant.zero + .milliseconds(ms) }

/// The commands among `actions`, in order.
func commands(_ actions: [ScenarioEngineAction]) -> [ScenarioCommand] {
    actions.compactMap { action -> ScenarioCommand? in
        guard case .command(let command) = action else { return nil }
        return command
    }
}
