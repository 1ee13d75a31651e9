import Foundation
import SimProto
import SimSignal
import SwiftProtobuf

/// A connection sink that keeps what the hub wrote, decoding frames back to `SignalResponse`.
public final class RecordingSink: SignalConnectionSink, @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [SignalFrame] = []
    private var closeInfo: (code: UInt16, reason: String)?
    private var wasAborted = false

    /// An empty sink.
    public init() {}

    /// Records a frame.
    public func write(_ frame: SignalFrame) { lock.withLock { frames.append(frame) } }

    /// Records the close.
    public func close(code: UInt16, reason: String) { lock.withLock { closeInfo = (code, reason) } }

    /// Records an abort.
    public func abort() { lock.withLock { wasAborted = true } }

    /// Whether the hub aborted the connection (no close frame).
    public var aborted: Bool { lock.withLock { wasAborted } }

    /// Every frame written so far.
    public var written: [SignalFrame] { lock.withLock { frames } }

    /// The close code and reason, if closed.
    public var closed: (code: UInt16, reason: String)? { lock.withLock { closeInfo } }

    /// The written frames decoded (binary as protobuf, text as protojson).
    public var responses: [Livekit_SignalResponse] {
        written.compactMap { frame in
            switch frame {
            case .binary(let bytes): try? Livekit_SignalResponse(serializedBytes: bytes)
            case .text(let text): try? Livekit_SignalResponse(jsonString: text)
            }
        }
    }

    /// The responses' oneof names, in order (e.g. `join`, `answer`).
    public var kinds: [String] { responses.map { $0.message.map(Self.name) ?? "unknown" } }

    static func name(_ message: Livekit_SignalResponse.OneOf_Message) -> String {
        let label = String(describing: message)
        return String(label.prefix { $0 != "(" })
    }

    /// Forgets what was written.
    public func clear() { lock.withLock { frames.removeAll() } }
}
