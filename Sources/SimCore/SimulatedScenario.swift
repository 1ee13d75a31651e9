/// One LiveKit `SimulateScenario` case (livekit_rtc.proto): the one description of the nine cases. The room model
/// runs them, scenario files name them (`simulate { scenario: … }`), and the signal layer maps them to and from the
/// protobuf a client sends.
public enum SimulatedScenario: Sendable, Hashable {
    /// `speaker_update`: announce the requester as speaking for N seconds.
    case speakerUpdate(seconds: Int32)
    /// `node_failure`: drop the participant without a LeaveRequest (as a node failure).
    case nodeFailure
    /// `migration`: drop the participant without a LeaveRequest (as a migration).
    case migration
    /// `server_leave`: LeaveRequest(SERVER_SHUTDOWN, DISCONNECT), then close.
    case serverLeave
    /// `switch_candidate_protocol`: ICE restart preferring UDP (0), TCP (1) or TLS (2), the proto's values.
    case switchCandidateProtocol(Int)
    /// `subscriber_bandwidth`: cap subscriber bandwidth (bits per second; 0 clears).
    case subscriberBandwidth(Int64)
    /// `disconnect_signal_on_resume`: close the signal after the resume messages, within 5 s.
    case disconnectSignalOnResume
    /// `disconnect_signal_on_resume_no_messages`: close the signal before any resume message, up to 3 times
    /// within 5 s.
    case disconnectSignalOnResumeNoMessages
    /// `leave_request_full_reconnect`: LeaveRequest with action RECONNECT.
    case leaveRequestFullReconnect

    /// The case names, as the proto oneof and scenario files spell them.
    public static let names = [
        "speaker_update", "node_failure", "migration", "server_leave", "switch_candidate_protocol",
        "subscriber_bandwidth", "disconnect_signal_on_resume", "disconnect_signal_on_resume_no_messages",
        "leave_request_full_reconnect",
    ]

    /// The proto oneof name (for the event log and scenario files).
    public var name: String {
        switch self {
        case .speakerUpdate: "speaker_update"
        case .nodeFailure: "node_failure"
        case .migration: "migration"
        case .serverLeave: "server_leave"
        case .switchCandidateProtocol: "switch_candidate_protocol"
        case .subscriberBandwidth: "subscriber_bandwidth"
        case .disconnectSignalOnResume: "disconnect_signal_on_resume"
        case .disconnectSignalOnResumeNoMessages: "disconnect_signal_on_resume_no_messages"
        case .leaveRequestFullReconnect: "leave_request_full_reconnect"
        }
    }
}

/// The ICE candidate protocols `switch_candidate_protocol` names, in the proto's order (UDP = 0, TCP = 1, TLS = 2).
public enum CandidateProtocol: String, Sendable, Hashable, CaseIterable {
    /// UDP = 0.
    case udp
    /// TCP = 1.
    case tcp
    /// TLS = 2.
    case tls

    /// The proto value.
    public var protoValue: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
