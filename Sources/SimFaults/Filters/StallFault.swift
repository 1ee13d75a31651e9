import SimCore

/// Stalls a connection's reads (`*.in` taps) or writes (`*.out` taps): every message of every kind crossing in the
/// window is held, and at the end all are released in order, as a socket that stopped being serviced would.
public struct StallFault: FaultFilter {
    /// The tap and connection (its kinds are ignored).
    public let selector: MessageSelector
    /// When the stall ends.
    public let end: SimInstant
    private var held: [TapMessageID] = []
    private var over = false

    /// A stall from `start` for `duration`.
    public init(selector: MessageSelector, duration: Duration, start: SimInstant) {
        var everything = selector
        everything.kinds = []
        self.selector = everything
        end = start + duration
    }

    /// Holds every message on the connection until the end.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !over, now < end, selector.matches(message.context) else { return .pass }
        held.append(message.id)
        return .hold(until: .instant(end))
    }

    /// Releases everything at the end.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        guard !over, now >= end else { return [] }
        over = true
        defer { held = [] }
        return held
    }

    /// The end, until over.
    public var nextDeadline: SimInstant? { over ? nil : end }
    /// Done once over.
    public var isFinished: Bool { over }
    /// Messages held so far.
    public var heldMessages: [TapMessageID] { held }
    /// `stall <selector> until <end>`.
    public var summary: String { "stall \(selector) until \(end)" }
}
