import SimCore

/// Drops packets the shell marked as keyframe packets (`TapContext.isKeyframe == true`); a receiver then cannot
/// recover from loss until the fault ends and its keyframe requests are answered.
public struct DropKeyframesFault: WindowedFault {
    /// The packets.
    public let selector: MessageSelector
    /// The fault's lifetime.
    public var window: FaultWindow

    /// A keyframe drop installed at `start`; `limits.count` counts dropped packets.
    public init(selector: MessageSelector, limits: FaultLimits = .unlimited, start: SimInstant) {
        self.selector = selector
        window = FaultWindow(start: start, limits: limits)
    }

    /// Drops selected keyframe packets.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard window.isOpen(at: now), message.context.isKeyframe == true,
              selector.matches(message.context) else { return .pass }
        window.consume()
        return .drop
    }

    /// `drop_keyframes <selector>`.
    public var summary: String { "drop_keyframes \(selector)" }
}
