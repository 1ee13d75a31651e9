import SimCore

/// Answers selected HTTP requests (at `http.in`) or replaces their responses (at `http.out`) with an HTTP error and a
/// Matrix error body: a homeserver or JWT service failing for a while; or cuts responses short (`truncatedBody`).
public struct HTTPErrorFault: WindowedFault {
    /// The requests.
    public let selector: MessageSelector
    /// The answer.
    public let failure: HTTPFailure
    /// The fault's lifetime.
    public var window: FaultWindow

    /// A failure installed at `start`.
    public init(selector: MessageSelector, failure: HTTPFailure, limits: FaultLimits = .unlimited, start: SimInstant) {
        self.selector = selector
        self.failure = failure
        window = FaultWindow(start: start, limits: limits)
    }

    /// Fails the request if it is selected.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !isFinished, window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        window.consume()
        return .fail(failure)
    }

    /// Done once expired or out of count.
    public var isFinished: Bool { window.isFinished }

    /// `http_error 503 M_UNKNOWN http.in sync`, `http_truncate http.out sync`.
    public var summary: String { failure.truncated ? "http_truncate \(selector)" : "http_error \(failure) \(selector)" }
}
