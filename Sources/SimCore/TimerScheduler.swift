/// Cancels a scheduled timer.
public protocol TimerHandle: Sendable {
    /// Cancels; a no-op once fired.
    func cancel()
}

/// Runs closures after a delay on the shell's clock (NIO event loop in the server, a manual clock in tests).
public protocol TimerScheduler: Sendable {
    /// Calls `fire` once after `delay`.
    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> any TimerHandle
}
