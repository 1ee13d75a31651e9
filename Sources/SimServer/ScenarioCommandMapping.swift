import SimRoom
import SimScenario

extension LeaveNotice {
    /// The notice a scenario's `leave { reason, action }` sends.
    init(reason: LeaveReason, action: SimScenario.LeaveAction) {
        self.init(reason: DisconnectReason(rawValue: reason.protoValue) ?? .unknown,
                  action: SimRoom.LeaveAction(rawValue: action.protoValue) ?? .disconnect)
    }
}
