/// A signal WebSocket frame.
public enum SignalFrame: Sendable, Equatable {
    /// Binary (protobuf).
    case binary([UInt8])
    /// Text (protojson).
    case text(String)
}

/// Where the hub writes one connection's frames; implemented by the WebSocket shell (and by tests).
public protocol SignalConnectionSink: Sendable {
    /// Queues a frame for writing, in order.
    func write(_ frame: SignalFrame)
    /// Closes the WebSocket with a code and reason after the queued frames.
    func close(code: UInt16, reason: String)
}

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
