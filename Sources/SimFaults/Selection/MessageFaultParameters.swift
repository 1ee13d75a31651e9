import SimCore

/// The socket a close or abort acts on.
public enum SocketKind: String, Sendable, Hashable, CaseIterable {
    /// A LiveKit signalling WebSocket (`/rtc`).
    case signal
    /// A Decart control WebSocket (`/v1/stream`).
    case control
    /// A LiveKit agent worker's WebSocket (`/agent`).
    case agent

    /// The tap of messages the server writes to this socket.
    public var outboundTap: TapPoint {
        switch self {
        case .signal: .signalOut
        case .control: .controlOut
        case .agent: .agentOut
        }
    }
}

/// `delay` (and the actions built on it): hold each selected message for `by` ± `jitter` (seeded), independently.
public struct DelayParameters: Sendable, Equatable {
    /// The messages.
    public var selector: MessageSelector
    /// The base delay.
    public var by: Duration
    /// The largest random deviation either way (the result never goes below zero).
    public var jitter: Duration
    /// Lifetime.
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, by: Duration, jitter: Duration = .zero, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.by = by
        self.jitter = jitter
        self.limits = limits
    }
}

/// Which selected messages a drop takes.
public enum DropSelection: Sendable, Equatable {
    /// Every one.
    case all
    /// Only the nth (from 1).
    case nth(Int)
    /// Every nth (the nth, 2nth, …).
    case every(Int)
    /// A seeded share.
    case percent(Percentage)
}

/// `drop`: discard selected messages.
public struct DropParameters: Sendable, Equatable {
    /// The messages.
    public var selector: MessageSelector
    /// Which of them.
    public var selection: DropSelection
    /// Lifetime.
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, selection: DropSelection = .all, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.selection = selection
        self.limits = limits
    }
}

/// `duplicate`: deliver selected messages `copies` extra times.
public struct DuplicateParameters: Sendable, Equatable {
    /// The messages.
    public var selector: MessageSelector
    /// Extra copies of each (≥ 1).
    public var copies: Int
    /// Lifetime.
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, copies: Int = 1, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.copies = copies
        self.limits = limits
    }
}

/// `hold`: keep every selected message until a time has passed or an event is logged (whichever comes first),
/// then release them all in their original order.
public struct HoldParameters: Sendable, Equatable {
    /// The messages.
    public var selector: MessageSelector
    /// Release this long after the hold was installed.
    public var duration: Duration?
    /// Release when this trigger fires.
    public var until: Trigger?
    /// Hold at most this many messages; later ones pass.
    public var count: Int?

    /// Parameters (at least one of `duration` and `until`).
    public init(selector: MessageSelector, duration: Duration? = nil, until: Trigger? = nil, count: Int? = nil) {
        self.selector = selector
        self.duration = duration
        self.until = until
        self.count = count
    }
}

/// `reorder`: on each connection, hold one `held` message until the next `releasedBy` message has passed, then
/// release it (the two arrive swapped).
public struct ReorderParameters: Sendable, Equatable {
    /// The message to hold back.
    public var held: MessageSelector
    /// The message that must overtake it (same tap, same connection).
    public var releasedBy: MessageSelector
    /// Swaps per connection.
    public var pairs: Int
    /// Release a held message anyway after this long.
    public var timeout: Duration
    /// How long the fault stays installed (nil: until the scenario ends).
    public var during: Duration?

    /// The default `timeout`: a reorder never wedges a message for good.
    public static let defaultTimeout: Duration = .seconds(5)

    /// Parameters.
    public init(held: MessageSelector, releasedBy: MessageSelector, pairs: Int = 1, timeout: Duration = defaultTimeout,
                during: Duration? = nil) {
        self.held = held
        self.releasedBy = releasedBy
        self.pairs = pairs
        self.timeout = timeout
        self.during = during
    }
}

/// `stall`: stop a connection's reads (`*.in`) or writes (`*.out`) for a time; everything queued is then delivered
/// in order.
public struct StallParameters: Sendable, Equatable {
    /// The tap and connection (kinds are ignored: a stall takes every message).
    public var selector: MessageSelector
    /// How long.
    public var duration: Duration

    /// Parameters.
    public init(selector: MessageSelector, duration: Duration) {
        self.selector = selector
        self.duration = duration
    }
}

/// `close`: close a socket with a code, now or instead of sending a given message.
public struct CloseParameters: Sendable, Equatable {
    /// Which socket.
    public var socket: SocketKind
    /// Whose socket (default: the triggering event's connection; in a timeline: every socket of that kind).
    public var identity: Identity?
    /// The close code.
    public var code: CloseCode
    /// The close reason.
    public var reason: String
    /// Close when the server is about to send this message kind, instead of sending it (nil: close now).
    public var insteadOf: String?

    /// Parameters.
    public init(socket: SocketKind, identity: Identity? = nil, code: CloseCode, reason: String = "", insteadOf: String? = nil) {
        self.socket = socket
        self.identity = identity
        self.code = code
        self.reason = reason
        self.insteadOf = insteadOf
    }
}

/// `abort`: drop a socket without a close frame (TCP reset; the client sees 1006), now or instead of a message.
public struct AbortParameters: Sendable, Equatable {
    /// Which socket.
    public var socket: SocketKind
    /// Whose socket (defaults as for `close`).
    public var identity: Identity?
    /// Abort instead of sending this message kind (nil: now).
    public var insteadOf: String?

    /// Parameters.
    public init(socket: SocketKind, identity: Identity? = nil, insteadOf: String? = nil) {
        self.socket = socket
        self.identity = identity
        self.insteadOf = insteadOf
    }
}

/// `http_error` parameters: the requests, the answer, its lifetime.
public struct HTTPErrorParameters: Sendable, Equatable {
    /// The requests (at `http.in` or `http.out`).
    public var selector: MessageSelector
    /// The status and Matrix error body.
    public var failure: HTTPFailure
    /// Lifetime.
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, failure: HTTPFailure, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.failure = failure
        self.limits = limits
    }
}
