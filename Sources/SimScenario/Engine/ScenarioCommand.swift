import SimCore
import SimFaults

/// Which connection(s) a command is for.
public enum ConnectionTarget: Sendable, Hashable, CustomStringConvertible {
    /// This connection (the triggering event's).
    case connection(ConnectionID)
    /// The connection of this identity.
    case identity(Identity)
    /// Every connection of the command's socket kind.
    case all

    /// `c3`, `identity=bob`, `all`.
    public var description: String {
        switch self {
        case .connection(let id): id.description
        case .identity(let identity): "identity=\(identity)"
        case .all: "all"
        }
    }
}

/// A LiveKit room/signal policy the shell hands to the domain as data (like `DecartRules`), never as a branch.
public enum LiveKitPolicyChange: Sendable, Equatable, CustomStringConvertible {
    /// On a fresh join of `identity` (nil: anyone), reissue or keep the SID.
    case rejoinSID(RejoinSIDMode, identity: Identity?)
    /// Refuse resumes of `identity` (nil: anyone) with LeaveRequest(STATE_MISMATCH, RECONNECT).
    case refuseResume(identity: Identity?)

    /// `rejoin_sid keep identity=bob`, `refuse_resume all`.
    public var description: String {
        switch self {
        case .rejoinSID(let mode, let identity): "rejoin_sid \(mode.rawValue) \(identity.map { "identity=\($0)" } ?? "all")"
        case .refuseResume(let identity): "refuse_resume \(identity.map { "identity=\($0)" } ?? "all")"
        }
    }
}

/// A Decart session policy for sessions from now on.
public enum DecartPolicyChange: Sendable, Equatable, CustomStringConvertible {
    /// Queue new sessions this way.
    case queue(DecartQueuePlan)
    /// Ack initial states with `success:false` and this error.
    case rejectInitialState(error: String)
    /// Ack at once, even before `livekit_room_info` (`DecartRules.EarlyAckPolicy.immediately`).
    case acksBeforeRoomInfo
    /// Send `livekit_room_info` as soon as the room exists, before `livekit_join`
    /// (`DecartRules.EarlyRoomInfoPolicy.sendAtOpen`).
    case roomInfoBeforeJoin
    /// Put this URL in `livekit_room_info.livekit_url`.
    case roomInfoURL(String)

    /// `queue 3,2,1 every 1s then admit`, `reject_initial_state "…"`, `room_info_url ws://…`.
    public var description: String {
        switch self {
        case .queue(let plan):
            "queue \(plan.positions.map(String.init).joined(separator: ",")) of \(plan.size) every \(DurationText.format(plan.interval))"
                + (plan.admit ? " then admit" : " never admitted")
        case .rejectInitialState(let error): "reject_initial_state \"\(error)\""
        case .acksBeforeRoomInfo: "acks_before_room_info"
        case .roomInfoBeforeJoin: "room_info_before_join"
        case .roomInfoURL(let url): "room_info_url \(url)"
        }
    }
}

/// A fault on what the embedded homeserver's `/sync` responses carry, for a user (nil: everyone).
public enum MatrixPolicyChange: Sendable, Equatable, CustomStringConvertible {
    /// Keep the user's to-device messages back for the next `syncs` responses (they arrive after).
    case holdToDevice(identity: Identity?, syncs: Int)
    /// Empty the user's `device_lists` in the next `syncs` responses.
    case dropDeviceLists(identity: Identity?, syncs: Int)

    /// `hold_to_device 3 syncs identity=@bob:hs`.
    public var description: String {
        switch self {
        case .holdToDevice(let identity, let syncs): "hold_to_device \(syncs) syncs \(identity.map { "identity=\($0)" } ?? "all")"
        case .dropDeviceLists(let identity, let syncs): "drop_device_lists \(syncs) syncs \(identity.map { "identity=\($0)" } ?? "all")"
        }
    }
}

/// A one-shot command for the shells: everything a scenario does that is not a filter at a tap.
public enum ScenarioCommand: Sendable, Equatable {
    /// Close the socket(s) with a close frame.
    case close(SocketKind, ConnectionTarget, code: CloseCode, reason: String)
    /// Drop the socket(s) without a close frame.
    case abort(SocketKind, ConnectionTarget)
    /// Send a LeaveRequest on the signal connection(s).
    case sendLeave(ConnectionTarget, reason: LeaveReason, action: LeaveAction)
    /// Run a `SimulateScenario` case for the participant(s).
    case simulate(ConnectionTarget, SimulatedScenario)
    /// Change a LiveKit policy.
    case liveKitPolicy(LiveKitPolicyChange)
    /// Change a Decart policy.
    case decartPolicy(DecartPolicyChange)
    /// Put a fault on the homeserver's `/sync` contents.
    case matrixPolicy(MatrixPolicyChange)
    /// `error`, `generation_ended`, close on the control connection(s).
    case endDecartSession(ConnectionTarget, DecartEnding)
    /// Delete a LiveKit room (nil: none was named and the trigger had none).
    case deleteRoom(RoomName?)

    /// The command's name in `fault.applied` events.
    public var name: String {
        switch self {
        case .close: "close"
        case .abort: "abort"
        case .sendLeave: "leave"
        case .simulate: "simulate"
        case .liveKitPolicy: "livekit_policy"
        case .decartPolicy: "decart_policy"
        case .matrixPolicy: "matrix_policy"
        case .endDecartSession: "end_session"
        case .deleteRoom: "delete_room"
        }
    }
}
