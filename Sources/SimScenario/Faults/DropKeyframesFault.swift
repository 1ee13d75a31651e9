import SimCore

/// Drops packets the shell marked as keyframe packets (`TapContext.isKeyframe == true`); a receiver then cannot
/// recover from loss until the fault ends and its keyframe requests are answered.
public struct DropKeyframesFault: FaultFilter {
    /// The packets.
    public let selector: MessageSelector
    private var window: FaultWindow
    private var expired = false

    /// A keyframe drop installed at `start`; `limits.count` counts dropped packets.
    public init(selector: MessageSelector, limits: FaultLimits = .unlimited, start: SimInstant) {
        self.selector = selector
        window = FaultWindow(start: start, limits: limits)
    }

    /// Drops selected keyframe packets.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !isFinished, window.isOpen(at: now), message.context.isKeyframe == true,
              selector.matches(message.context) else { return .pass }
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
    /// `drop_keyframes <selector>`.
    public var summary: String { "drop_keyframes \(selector)" }
}
