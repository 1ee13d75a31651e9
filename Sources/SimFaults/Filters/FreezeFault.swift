import SimCore

/// Drops every selected packet for a time after installation: the receiver's picture (or sound) freezes.
public struct FreezeFault: WindowedFault {
    /// The packets.
    public let selector: MessageSelector
    /// The freeze's lifetime: from installation for its duration.
    public var window: FaultWindow

    /// A freeze from `start` for `duration`.
    public init(selector: MessageSelector, duration: Duration, start: SimInstant) {
        self.selector = selector
        window = FaultWindow(start: start, limits: FaultLimits(during: duration))
    }

    /// When the freeze ends.
    public var end: SimInstant { window.end ?? window.start }

    /// Drops selected packets until the end.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        return .drop
    }

    /// `freeze <selector> until <end>`.
    public var summary: String { "freeze \(selector) until \(end)" }
}
