import SimCore
import SimFaults

/// One thing a rule or timeline entry does. Message and media faults become filters at named taps; the rest become
/// commands for the shells (close a socket, send a LeaveRequest, change a protocol policy).
public enum ScenarioAction: Sendable, Equatable {
    // MARK: Message faults (signal.in/out, control.in/out)

    /// `delay`: delay selected messages by a fixed time ± seeded jitter.
    case delay(DelayParameters)
    /// `drop`: drop all, the nth, every nth or a seeded share of selected messages.
    case drop(DropParameters)
    /// `duplicate`: deliver selected messages more than once.
    case duplicate(DuplicateParameters)
    /// `hold`: hold selected messages until a time or an event, then release them in order.
    case hold(HoldParameters)
    /// `reorder`: let the next message of one kind overtake a held message of another.
    case reorder(ReorderParameters)
    /// `stall`: stop a connection's reads or writes for a time.
    case stall(StallParameters)
    /// `close`: close a socket with a code.
    case close(CloseParameters)
    /// `abort`: drop a socket without a close frame.
    case abort(AbortParameters)
    /// `http_error`: answer selected HTTP requests with an error status and a Matrix error body.
    case httpError(HTTPErrorParameters)
    /// `hold_to_device`: a user's to-device messages kept back for the next N `/sync` responses.
    case holdToDevice(identity: Identity?, syncs: Int)
    /// `drop_device_lists`: a user's `device_lists` emptied in the next N `/sync` responses.
    case dropDeviceLists(identity: Identity?, syncs: Int)

    // MARK: LiveKit

    /// `rejoin_sid`: reissue or keep a participant's SID when its identity joins again.
    case rejoinSID(RejoinSIDMode, identity: Identity?)
    /// `order`: media before metadata, or metadata before media, towards subscribers.
    case order(OrderParameters)
    /// `disconnect_after_new_info`: others get the rejoined identity's new info before its old SID's DISCONNECTED.
    case disconnectAfterNewInfo(identity: Identity, timeout: Duration)
    /// `data_before_participant`: others get a participant's info only after its first data packet was delivered
    /// (or after `for`), so its data reaches them before they know it. Without `identity`, the triggering event's.
    case dataBeforeParticipant(identity: Identity?, for: Duration)
    /// `delay_track_published`: delay `track_published` to the publisher.
    case delayTrackPublished(DelayParameters)
    /// `leave`: send a LeaveRequest with a reason and action.
    case leave(LeaveParameters)
    /// `simulate`: run a `SimulateScenario` case for a participant.
    case simulate(SimulatedScenario, identity: Identity?)
    /// `refuse_resume`: answer resumes with a LeaveRequest (STATE_MISMATCH, RECONNECT).
    case refuseResume(identity: Identity?)
    /// `delete_room`: delete a room as RoomService `DeleteRoom` does (nil: the triggering event's room).
    case deleteRoom(room: RoomName?)

    // MARK: Decart

    /// `queue`: queue positions and durations before admission.
    case queue(DecartQueuePlan)
    /// `ack_delay`: delay initial-state acks.
    case ackDelay(DelayParameters)
    /// `ack_reject`: answer initial states with `success:false` and an error.
    case ackReject(error: String)
    /// `ack_early`: send acks at once, even before `livekit_room_info` (race R1).
    case ackEarly
    /// `ack_never`: never send acks.
    case ackNever(DropParameters)
    /// `room_info_delay`: delay `livekit_room_info`.
    case roomInfoDelay(DelayParameters)
    /// `room_info_early`: send `livekit_room_info` before `livekit_join` (race R9).
    case roomInfoEarly
    /// `room_info_url`: put this `livekit_url` in room_info (e.g. an unreachable one, race R3).
    case roomInfoURL(String)
    /// `end_session`: `error`, `generation_ended`, close.
    case endSession(DecartEnding)

    // MARK: Media (media.rtp, media.rtcp)

    /// `loss`: drop a seeded share of packets.
    case loss(LossParameters)
    /// `media_delay`: delay packets by a time ± jitter, keeping their order.
    case mediaDelay(DelayParameters)
    /// `freeze`: drop every packet for a time.
    case freeze(FreezeParameters)
    /// `drop_keyframes`: drop keyframe packets.
    case dropKeyframes(DropKeyframesParameters)
    /// `bandwidth`: cap the rate with a token bucket.
    case bandwidth(BandwidthParameters)

    /// The action's name as scenario files write it.
    public var name: String {
        switch self {
        case .delay: "delay"
        case .drop: "drop"
        case .duplicate: "duplicate"
        case .hold: "hold"
        case .reorder: "reorder"
        case .stall: "stall"
        case .close: "close"
        case .abort: "abort"
        case .httpError(let p): p.failure.truncated ? "http_truncate" : "http_error"
        case .holdToDevice: "hold_to_device"
        case .dropDeviceLists: "drop_device_lists"
        case .rejoinSID: "rejoin_sid"
        case .order: "order"
        case .disconnectAfterNewInfo: "disconnect_after_new_info"
        case .dataBeforeParticipant: "data_before_participant"
        case .delayTrackPublished: "delay_track_published"
        case .leave: "leave"
        case .simulate: "simulate"
        case .refuseResume: "refuse_resume"
        case .deleteRoom: "delete_room"
        case .queue: "queue"
        case .ackDelay: "ack_delay"
        case .ackReject: "ack_reject"
        case .ackEarly: "ack_early"
        case .ackNever: "ack_never"
        case .roomInfoDelay: "room_info_delay"
        case .roomInfoEarly: "room_info_early"
        case .roomInfoURL: "room_info_url"
        case .endSession: "end_session"
        case .loss: "loss"
        case .mediaDelay: "media_delay"
        case .freeze: "freeze"
        case .dropKeyframes: "drop_keyframes"
        case .bandwidth: "bandwidth"
        }
    }
}
