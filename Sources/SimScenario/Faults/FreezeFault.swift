import SimCore

/// Drops every selected packet for a time after installation: the receiver's picture (or sound) freezes.
public struct FreezeFault: FaultFilter {
    /// The packets.
    public let selector: MessageSelector
    /// When the freeze ends.
    public let end: SimInstant
    private var over = false

    /// A freeze from `start` for `duration`.
    public init(selector: MessageSelector, duration: Duration, start: SimInstant) {
        self.selector = selector
        end = start + duration
    }

    /// Drops selected packets until the end.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !over, now < end, selector.matches(message.context) else { return .pass }
        return .drop
    }

    /// Ends the freeze.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        if now >= end { over = true }
        return []
    }

    /// The end, until over.
    public var nextDeadline: SimInstant? { over ? nil : end }
    /// Done once over.
    public var isFinished: Bool { over }
    /// `freeze <selector> until <end>`.
    public var summary: String { "freeze \(selector) until \(end)" }
}
