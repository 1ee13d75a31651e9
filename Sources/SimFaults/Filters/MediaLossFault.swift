import SimCore

/// Drops a seeded share of selected packets: the media impairment `loss %`. The same seed and packet sequence
/// give the same drops.
public struct MediaLossFault: WindowedFault {
    /// The packets.
    public let selector: MessageSelector
    /// The share dropped.
    public let percent: Percentage
    /// The fault's lifetime.
    public var window: FaultWindow
    private var random: SeededRandom

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
        guard window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        guard random.nextUnit() < percent.fraction else { return .pass }
        window.consume()
        return .drop
    }

    /// `loss 5% <selector>`.
    public var summary: String { "loss \(percent) \(selector)" }
}
