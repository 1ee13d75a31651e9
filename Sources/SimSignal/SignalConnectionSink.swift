import SimCore

/// A signal WebSocket frame.
public enum SignalFrame: Sendable, Equatable {
    /// Binary (protobuf).
    case binary([UInt8])
    /// Text (protojson).
    case text(String)
}

/// A shell that takes a WebSocket's frames as `SignalFrame`s (the signal hub, the agent hub): the WebSocket layer
/// pumps into it the same way.
public protocol SignalFrameReceiver: AnyObject, Sendable {
    /// A frame arrived on `connection`.
    func received(_ frame: SignalFrame, on connection: ConnectionID)
    /// The WebSocket closed (by the peer or after our close).
    func closed(_ connection: ConnectionID)
}

/// Where the hub writes one connection's frames; implemented by the WebSocket shell (and by tests).
public protocol SignalConnectionSink: Sendable {
    /// Queues a frame for writing, in order.
    func write(_ frame: SignalFrame)
    /// Closes the WebSocket with a code and reason after the queued frames.
    func close(code: UInt16, reason: String)
    /// Drops the connection at once without a close frame (the peer sees 1006); queued frames may be lost.
    func abort()
}
