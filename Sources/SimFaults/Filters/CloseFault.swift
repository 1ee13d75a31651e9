import SimCore

/// Closes (or aborts) the connection when a selected message is about to cross, instead of delivering it — e.g.
/// close with 1011 instead of sending `livekit_room_info`. Fires once, then finishes.
public struct CloseFault: FaultFilter {
    /// What happens to the connection.
    public enum Mode: Sendable, Equatable {
        /// A close frame with this code and reason.
        case close(CloseCode, reason: String)
        /// No close frame: the transport is dropped.
        case abort
    }

    /// The message.
    public let selector: MessageSelector
    /// Close or abort.
    public let mode: Mode
    private var fired = false

    /// A close on the next selected message.
    public init(selector: MessageSelector, mode: Mode) {
        self.selector = selector
        self.mode = mode
    }

    /// `.close` or `.abort` for the first selected message.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !fired, selector.matches(message.context) else { return .pass }
        fired = true
        switch mode {
        case .close(let code, let reason): return .close(code: code, reason: reason)
        case .abort: return .abort
        }
    }

    /// No timers.
    public var nextDeadline: SimInstant? { nil }
    /// Done once fired.
    public var isFinished: Bool { fired }
    /// `close 1011 instead of <selector>`.
    public var summary: String {
        switch mode {
        case .close(let code, _): "close \(code) instead of \(selector)"
        case .abort: "abort instead of \(selector)"
        }
    }
}
