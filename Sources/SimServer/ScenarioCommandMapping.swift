import SimRoom
import SimScenario

/// Scenario-file values as the room model's types (the scenario layer names them by their proto spelling).
extension SimulateCase {
    /// The room model's simulated scenario.
    var simulated: SimulatedScenario {
        switch self {
        case .speakerUpdate(let seconds): .speakerUpdate(seconds: Int32(clamping: seconds))
        case .nodeFailure: .nodeFailure
        case .migration: .migration
        case .serverLeave: .serverLeave
        case .switchCandidateProtocol(let value): .switchCandidateProtocol(CandidateProtocol.allCases.firstIndex(of: value) ?? 0)
        case .subscriberBandwidth(let rate): .subscriberBandwidth(rate.bitsPerSecond)
        case .disconnectSignalOnResume: .disconnectSignalOnResume
        case .disconnectSignalOnResumeNoMessages: .disconnectSignalOnResumeNoMessages
        case .leaveRequestFullReconnect: .leaveRequestFullReconnect
        }
    }
}

extension LeaveNotice {
    /// The notice a scenario's `leave { reason, action }` sends.
    init(reason: LeaveReason, action: SimScenario.LeaveAction) {
        self.init(reason: DisconnectReason(rawValue: reason.protoValue) ?? .unknown,
                  action: SimRoom.LeaveAction(rawValue: action.protoValue) ?? .disconnect)
    }
}
