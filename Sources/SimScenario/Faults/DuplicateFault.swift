import SimCore

/// Delivers each selected message `copies` extra times.
public struct DuplicateFault: FaultFilter {
    /// The messages.
    public let selector: MessageSelector
    /// Extra copies of each.
    public let copies: Int
    private var window: FaultWindow
    private var expired = false

    /// A duplicator installed at `start`.
    public init(selector: MessageSelector, copies: Int = 1, limits: FaultLimits = .unlimited, start: SimInstant) {
        self.selector = selector
        self.copies = max(1, copies)
        window = FaultWindow(start: start, limits: limits)
    }

    /// `.duplicate(copies)` for selected messages.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !isFinished, window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        window.consume()
        return .duplicate(copies: copies)
    }

    /// Expires the window.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        if let end = window.end, now >= end { expired = true }
        return []
    }

    /// The window's end.
    public var nextDeadline: SimInstant? { expired ? nil : window.end }
    /// Done once expired or out of count.
    public var isFinished: Bool { expired || window.isExhausted }
    /// `duplicate x<copies> <selector>`.
    public var summary: String { "duplicate x\(copies) \(selector)" }
}
