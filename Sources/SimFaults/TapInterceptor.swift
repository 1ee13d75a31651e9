import SimCore

/// What a shell does with one message at a tap when a scenario is running.
public enum TapOutcome: Sendable, Equatable {
    /// Deliver it now.
    case pass
    /// Discard it (the interceptor has logged why).
    case drop
    /// Deliver it this much later (logged as crossing the tap when it is delivered).
    case delay(Duration)
    /// Deliver it now and `copies` more times.
    case duplicate(copies: Int)
    /// Keep it under `id` until the interceptor asks the shell to release it.
    case hold(id: UInt64)
    /// Do not deliver it; close the connection with this code and reason.
    case close(code: UInt16, reason: String)
    /// Do not deliver it; drop the connection without a close frame (the peer sees 1006).
    case abort
    /// Do not deliver it; answer this HTTP error instead (HTTP taps; elsewhere the message passes).
    case fail(HTTPFailure)
}

/// How a fault spoils an HTTP answer: an error status with a Matrix error body (`errcode`, and `retry_after_ms`
/// for 429), or (`truncated`) the real response's headers and only half its body before the connection closes.
public struct HTTPFailure: Sendable, Equatable, CustomStringConvertible {
    /// The status, 400…599 (unused when truncated).
    public var status: UInt16
    /// The Matrix `errcode` (`M_UNKNOWN`, `M_LIMIT_EXCEEDED`, …).
    public var errcode: String
    /// `retry_after_ms` in the body, when set.
    public var retryAfter: Duration?
    /// Instead of an error: the real headers, half the body, then the connection closes (at `http.out`).
    public var truncated = false

    /// An error answer.
    public init(status: UInt16, errcode: String, retryAfter: Duration? = nil) {
        self.status = status
        self.errcode = errcode
        self.retryAfter = retryAfter
    }

    /// A truncated answer.
    public static let truncatedBody: HTTPFailure = {
        var failure = HTTPFailure(status: 200, errcode: "")
        failure.truncated = true
        return failure
    }()

    /// `503 M_UNKNOWN`, `429 M_LIMIT_EXCEEDED retry 2s`, `truncated body`.
    public var description: String {
        if truncated { return "truncated body" }
        return "\(status) \(errcode)" + (retryAfter.map { " retry \(DurationText.format($0))" } ?? "")
    }
}

/// How a shell ends a connection on a scenario's or the engine's behalf.
public enum ConnectionEnding: Sendable, Equatable, CustomStringConvertible {
    /// A close frame with this code and reason, after the queued frames.
    case close(code: UInt16, reason: String)
    /// The transport is dropped at once, without a close frame: the peer sees an abnormal closure (1006).
    case abort

    /// The code the event log records: the close frame's, or 1006 for an abort.
    public var code: UInt16 {
        switch self {
        case .close(let code, _): code
        case .abort: 1006
        }
    }

    /// The reason the event log records.
    public var reason: String {
        switch self {
        case .close(_, let reason): reason
        case .abort: "aborted without a close frame"
        }
    }

    /// `close 1011 "…"`, `abort`.
    public var description: String {
        switch self {
        case .close(let code, let reason): "close \(code) \"\(reason)\""
        case .abort: "abort"
        }
    }
}

/// Decides what happens to messages at taps (the scenario engine's shell). Hubs call it holding their lock, for
/// every message at a tap it reports as active; it must not call back into the hub synchronously (releases and
/// commands come later, from its own queue).
public protocol TapInterceptor: AnyObject, Sendable {
    /// Whether any rule currently acts at `tap` (a cheap check before building a context).
    func isActive(at tap: TapPoint) -> Bool
    /// The outcome for one message.
    func intercept(_ context: TapContext) -> TapOutcome
}
