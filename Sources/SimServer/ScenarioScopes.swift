import SimCore
import SimFaults

/// Where a running scenario applies.
enum ScenarioScope: Hashable, Sendable, CustomStringConvertible {
    /// The whole server (`--scenario`, `POST /_sim/scenario`).
    case server
    /// One LiveKit room, selected by a connection's token attribute or query parameter.
    case room(RoomName)
    /// One Decart control connection (and its session), selected by its query parameter.
    case connection(ConnectionID)

    /// `server`, `room R`, `connection c7`.
    var description: String {
        switch self {
        case .server: "server"
        case .room(let room): "room \(room)"
        case .connection(let connection): "connection \(connection)"
        }
    }
}

/// The running scenario engines by scope, and the pure rules of who decides: the most specific running scope of a
/// message, the scopes an event belongs to, and, per tap, how many engines act there (asked for every message and
/// packet, so it never walks the engines). A value with no lock and no I/O; `ScenarioService` keeps it under its own.
struct ScenarioScopes<Slot> {
    private var slots: [ScenarioScope: Slot] = [:]
    /// The taps each scope's engine acted at when last stored (bit i: `TapPoint.allCases[i]`).
    private var activeTaps: [ScenarioScope: UInt16] = [:]
    /// Per tap (`TapPoint.allCases` order), how many engines act there.
    private var tapUsers = [Int](repeating: 0, count: TapPoint.allCases.count)

    /// The slot of `scope`, if an engine runs there.
    subscript(scope: ScenarioScope) -> Slot? { slots[scope] }

    /// Whether no engine runs.
    var isEmpty: Bool { slots.isEmpty }

    /// Every running scope.
    var scopes: [ScenarioScope] { Array(slots.keys) }

    /// Stores `slot` for `scope`; `actsAt` says which taps its engine acts at now.
    mutating func store(_ slot: Slot, at scope: ScenarioScope, actsAt: (TapPoint) -> Bool) {
        var active: UInt16 = 0
        for (index, tap) in TapPoint.allCases.enumerated() where actsAt(tap) { active |= 1 << index }
        countTaps(from: activeTaps[scope] ?? 0, to: active)
        activeTaps[scope] = active
        slots[scope] = slot
    }

    /// Changes the slot of `scope` in place (its taps unchanged); nothing when none runs there.
    mutating func update(_ scope: ScenarioScope, _ body: (inout Slot) -> Void) {
        guard var slot = slots[scope] else { return }
        body(&slot)
        slots[scope] = slot
    }

    /// Removes the slot of `scope` and its taps from the counts.
    mutating func remove(_ scope: ScenarioScope) -> Slot? {
        guard let slot = slots.removeValue(forKey: scope) else { return nil }
        countTaps(from: activeTaps.removeValue(forKey: scope) ?? 0, to: 0)
        return slot
    }

    /// Whether any engine acts at `tap`.
    func isActive(at tap: TapPoint) -> Bool {
        guard let index = TapPoint.allCases.firstIndex(of: tap) else { return false }
        return tapUsers[index] > 0
    }

    /// The most specific running scope a message belongs to: its connection's, else its room's, else the server's.
    func scope(of context: TapContext) -> ScenarioScope? {
        if let connection = context.connection, slots[.connection(connection)] != nil { return .connection(connection) }
        if let room = context.room, slots[.room(room)] != nil { return .room(room) }
        return slots[.server] != nil ? .server : nil
    }

    private mutating func countTaps(from before: UInt16, to after: UInt16) {
        guard before != after else { return }
        for index in tapUsers.indices {
            let bit: UInt16 = 1 << index
            if after & bit != 0, before & bit == 0 { tapUsers[index] += 1 }
            if after & bit == 0, before & bit != 0 { tapUsers[index] -= 1 }
        }
    }
}

extension ScenarioScope {
    /// The scopes an event is in: the server's always; a room's when it has the room (or, naming none, a participant
    /// of it); a connection's when it has the connection.
    static func scopes(of event: SimEvent, roomOf: (ParticipantSID) -> RoomName?) -> [ScenarioScope] {
        var scopes: [ScenarioScope] = [.server]
        if let room = event.record.room ?? event.record.participant.flatMap(roomOf) { scopes.append(.room(room)) }
        if let connection = event.record.connection { scopes.append(.connection(connection)) }
        return scopes
    }

    /// Whether an event is in `scope` (see `scopes(of:roomOf:)`).
    static func belongs(_ event: SimEvent, to scope: ScenarioScope, roomOf: (ParticipantSID) -> RoomName?) -> Bool {
        scopes(of: event, roomOf: roomOf).contains(scope)
    }
}
