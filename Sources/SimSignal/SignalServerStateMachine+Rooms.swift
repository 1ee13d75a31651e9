import Foundation
import SimCore
import SimRoom

/// Room operations for other protocol front ends (Decart sessions create and remove their LiveKit rooms).
extension SignalServerStateMachine {
    /// Creates (or returns the existing) room; the actions notify nobody unless the room already had participants.
    public mutating func createRoom(_ parameters: CreateRoomParameters, wall: Date) -> (Room, [SignalAction]) {
        let (room, actions) = rooms.createRoom(parameters, wall: wall)
        return (room, map(actions) + flushSubscriberOffers())
    }

    /// Removes a room and everyone in it (Leave ROOM_DELETED to connected clients); nothing when it is gone already.
    public mutating func deleteRoom(_ name: RoomName) -> [SignalAction] {
        switch rooms.deleteRoom(name) {
        case .success(let actions): map(actions) + flushSubscriberOffers()
        case .failure: []
        }
    }

    /// A scenario's `leave`: a LeaveRequest with this reason and action to the participant on `connection`.
    public mutating func leaveCommanded(_ connection: ConnectionID, _ notice: LeaveNotice, wall: Date) -> [SignalAction] {
        map(rooms.handle(.leaveCommanded(connection, notice), wall: wall)) + flushSubscriberOffers()
    }

    /// Changes the room model's scenario switches: server-wide, or for one room (starting from the defaults).
    public mutating func updateRoomPolicies(room: RoomName? = nil, _ body: (inout RoomPolicies) -> Void) {
        guard let room else { return body(&rooms.policies) }
        body(&rooms.roomPolicies[room, default: RoomPolicies()])
    }

    /// Forgets every room's own switches.
    public mutating func clearRoomPolicies() {
        rooms.roomPolicies.removeAll()
    }
}
