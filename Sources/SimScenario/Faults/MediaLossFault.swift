import SimCore

/// Drops a seeded share of selected packets: the media impairment `loss %`. The same seed and packet sequence
/// give the same drops.
public struct MediaLossFault: FaultFilter {
    /// The packets.
    public let selector: MessageSelector
    /// The share dropped.
    public let percent: Percentage
    private var window: FaultWindow
    private var random: SeededRandom
    private var expired = false

    /// A loss installed at `start`.
    public init(selector: MessageSelector, percent: Percentage, limits: FaultLimits = .unlimited, seed: UInt64,
                start: SimInstant) {
        self.selector = selector
        self.percent = percent
        window = FaultWindow(start: start, limits: limits)
        random = SeededRandom(seed: seed)
    }

    /// Drops with the configured probability; one draw per selected packet.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !isFinished, window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        guard random.nextUnit() < percent.fraction else { return .pass }
        window.consume()
        return .drop
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
    /// `loss 5% <selector>`.
    public var summary: String { "loss \(percent) \(selector)" }
}
