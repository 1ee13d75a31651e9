import Foundation
import SimCore
@testable import SimRoom

/// A room engine with helpers that pick messages out of the actions.
struct RoomHarness {
    var machine = RoomManagerStateMachine(seed: 42)
    let wall = Date(timeIntervalSince1970: 1_800_000_000)

    init(configuration: RoomManagerConfiguration = RoomManagerConfiguration()) {
        machine = RoomManagerStateMachine(configuration: configuration, seed: 42)
    }

    mutating func handle(_ event: RoomEvent) -> [RoomAction] { machine.handle(event, wall: wall) }

    @discardableResult
    mutating func join(_ identity: String, connection: UInt64, room: String = "r1", mode: SignalMode = .singlePC,
                       permission: ParticipantPermission = ParticipantPermission(), protocolVersion: Int = 17) -> [RoomAction] {
        handle(.joinRequested(JoinParameters(
            connection: ConnectionID(connection), room: RoomName(room), identity: Identity(identity),
            permission: permission, protocolVersion: protocolVersion, mode: mode
        )))
    }

    func sid(_ identity: String, room: String = "r1") -> ParticipantSID? {
        machine.participant(room: RoomName(room), identity: Identity(identity))?.sid
    }
}

extension Array where Element == RoomAction {
    /// Messages sent to `connection`, in order.
    func messages(to connection: UInt64) -> [ServerMessage] {
        compactMap { if case .send(let c, let m) = $0, c == ConnectionID(connection) { m } else { nil } }
    }

    /// Connections closed, in order.
    var closed: [ConnectionID] { compactMap { if case .closeConnection(let c, _) = $0 { c } else { nil } } }

    /// Room notifications, in order.
    var notifications: [RoomNotification] { compactMap { if case .notify(let n) = $0 { n } else { nil } } }

    /// Event kinds logged, in order.
    var logged: [String] { compactMap { if case .log(let r) = $0 { r.kind } else { nil } } }

    /// Forwarding starts, in order.
    var forwardingStarts: [(ParticipantSID, TrackSID)] {
        compactMap { if case .startForwarding(let s, let t) = $0 { (s, t) } else { nil } }
    }
}

extension ServerMessage {
    /// The participants of an `update`, else nil.
    var updated: [Participant]? { if case .update(let p) = self { p } else { nil } }
    /// The notice of a `leave`, else nil.
    var leaveNotice: LeaveNotice? { if case .leave(let n) = self { n } else { nil } }
}
