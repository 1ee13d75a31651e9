import SimDecart
import SimSignal

/// Bridges the hub's synchronous writes to the WebSocket writer task through an unbounded stream.
struct WebSocketSignalSink: SignalConnectionSink, DecartControlSink {
    /// What the writer task does next.
    enum Item: Sendable {
        case frame(SignalFrame)
        case close(code: UInt16, reason: String)
        case abort
    }

    let continuation: AsyncStream<Item>.Continuation

    func write(_ frame: SignalFrame) { continuation.yield(.frame(frame)) }

    func write(_ text: String) { continuation.yield(.frame(.text(text))) }

    func close(code: UInt16, reason: String) {
        continuation.yield(.close(code: code, reason: reason))
        continuation.finish()
    }

    func abort() {
        continuation.yield(.abort)
        continuation.finish()
    }
}
