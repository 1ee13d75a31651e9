import SimCore

/// Delays each selected message by `by` ± a seeded jitter, independently (later messages may overtake it): the
/// server sending that one message late, not a slow network.
public struct DelayFault: WindowedFault {
    /// The messages.
    public let selector: MessageSelector
    /// The base delay.
    public let by: Duration
    /// The largest deviation either way.
    public let jitter: Duration
    /// The fault's lifetime.
    public var window: FaultWindow
    private var random: SeededRandom

    /// A delay installed at `start`; `seed` drives the jitter.
    public init(selector: MessageSelector, by: Duration, jitter: Duration = .zero, limits: FaultLimits = .unlimited,
                seed: UInt64 = 0, start: SimInstant) {
        self.selector = selector
        self.by = by
        self.jitter = jitter
        window = FaultWindow(start: start, limits: limits)
        random = SeededRandom(seed: seed)
    }

    /// `.delay(by ± jitter)` (never negative) for selected messages.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        window.consume()
        return .delay(random.delay(by, spread: jitter))
    }

    /// `delay 500ms±100ms <selector>`.
    public var summary: String {
        "delay \(DurationText.format(by))" + (jitter == .zero ? "" : "±\(DurationText.format(jitter))") + " \(selector)"
    }
}
