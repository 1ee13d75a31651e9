import SimCore

/// Delivers each selected message `copies` extra times.
public struct DuplicateFault: WindowedFault {
    /// The messages.
    public let selector: MessageSelector
    /// Extra copies of each.
    public let copies: Int
    /// The fault's lifetime.
    public var window: FaultWindow

    /// A duplicator installed at `start`.
    public init(selector: MessageSelector, copies: Int = 1, limits: FaultLimits = .unlimited, start: SimInstant) {
        self.selector = selector
        self.copies = max(1, copies)
        window = FaultWindow(start: start, limits: limits)
    }

    /// `.duplicate(copies)` for selected messages.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        window.consume()
        return .duplicate(copies: copies)
    }

    /// `duplicate x<copies> <selector>`.
    public var summary: String { "duplicate x\(copies) \(selector)" }
}
