import SimCore

/// What a shell does with one message at a tap when a scenario is running: richer than `TapVerdict`'s pass/drop.
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

extension TapOutcome {
    /// The shell's handling of an outcome, the same for every tap: deliver now (once, or once plus the copies), later,
    /// keep under its id, or close; a drop does nothing.
    public func apply(deliver: () -> Void, delay: (Duration) -> Void, hold: (UInt64) -> Void, close: (UInt16, String) -> Void) {
        switch self {
        case .pass: deliver()
        case .drop: break
        case .delay(let duration): delay(duration)
        case .duplicate(let copies): for _ in 0...copies { deliver() }
        case .hold(let id): hold(id)
        case .close(let code, let reason): close(code, reason)
        }
    }
}

extension Optional where Wrapped == any TapInterceptor {
    /// The interceptor's outcome for `context`, or `.pass` when there is none or it has nothing at that tap.
    public func outcome(for context: TapContext) -> TapOutcome {
        guard let interceptor = self, interceptor.isActive(at: context.tap) else { return .pass }
        return interceptor.intercept(context)
    }
}
