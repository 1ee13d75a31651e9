import SimCore

/// When a held message comes out again (for logs and reports; the engine drives the release itself).
public enum HoldCondition: Sendable, Equatable {
    /// At this time.
    case instant(SimInstant)
    /// When an event like this is logged, or at the deadline, whichever is first.
    case event(Trigger, deadline: SimInstant?)
    /// Right after the next message of these kinds has passed on the same connection, or at the deadline.
    case nextMessage(kinds: [String], deadline: SimInstant)
}

/// A fault filter's decision about one message (the shell sees it as a ``TapOutcome``).
public enum FaultVerdict: Sendable, Equatable {
    /// Deliver it unchanged.
    case pass
    /// Deliver it, then release these held messages (in this order) right after it.
    case passAndRelease([TapMessageID])
    /// Discard it.
    case drop
    /// Deliver it this much later.
    case delay(Duration)
    /// Deliver it, then `copies` more identical copies.
    case duplicate(copies: Int)
    /// Keep it (under its `TapMessageID`) until a release names it.
    case hold(until: HoldCondition)
    /// Do not deliver it; close the connection with this code and reason.
    case close(code: CloseCode, reason: String)
    /// Do not deliver it; drop the connection without a close frame.
    case abort
    /// Do not deliver it; answer this HTTP error instead (HTTP taps).
    case fail(HTTPFailure)

    /// Whether the message itself is delivered now, unchanged.
    public var passes: Bool {
        switch self {
        case .pass, .passAndRelease: true
        default: false
        }
    }

    /// The verdict's name for `fault.applied` events: `pass`, `drop`, `delay`, `duplicate`, `hold`, `close`, `abort`,
    /// `http_error`.
    public var name: String {
        switch self {
        case .pass, .passAndRelease: "pass"
        case .drop: "drop"
        case .delay: "delay"
        case .duplicate: "duplicate"
        case .hold: "hold"
        case .close: "close"
        case .abort: "abort"
        case .fail(let failure): failure.truncated ? "http_truncate" : "http_error"
        }
    }
}
