import SimCore

/// A fault primitive: a pure, clock-injected decider installed at one tap. It never touches sockets; the
/// engine asks it about each message (`decide`), tells it about time passing and logged events, and removes it
/// once `isFinished`.
public protocol FaultFilter: Sendable {
    /// The decision for one message crossing the filter's tap at `now`.
    mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict
    /// Time has reached `now` (a timer for `nextDeadline` fired): held messages to release, in order.
    mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID]
    /// An event was logged: held messages to release, in order.
    mutating func eventLogged(_ event: SimEvent, now: SimInstant) -> [TapMessageID]
    /// The next time the filter needs `timeAdvanced` (a release or the end of its window), if any.
    var nextDeadline: SimInstant? { get }
    /// Whether the filter is done and holds nothing: the engine removes it.
    var isFinished: Bool { get }
    /// Messages still held, oldest first (released when the filter is removed early).
    var heldMessages: [TapMessageID] { get }
    /// A short description for logs, e.g. `delay 500ms±100ms signal.out track_published`.
    var summary: String { get }
}

extension FaultFilter {
    /// Nothing to release by default.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] { [] }
    /// Events do not matter by default.
    public mutating func eventLogged(_ event: SimEvent, now: SimInstant) -> [TapMessageID] { [] }
    /// Holds nothing by default.
    public var heldMessages: [TapMessageID] { [] }
}
